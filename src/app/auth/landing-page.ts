/**
 * Where a sign-in lands: the page a deep link asked for (`returnUrl`) when it is one of ours,
 * else the person's daily page: supervisors their supervisor view, admins the admin console,
 * agents the desk. The desk stays one click away in the header for everyone.
 */
export function landingPage(role: string, returnUrl: string | null): string {
  if (returnUrl && isConsolePage(returnUrl)) return returnUrl;
  switch (role) {
    case 'supervisor':
      return '/supervisor';
    case 'admin':
      return '/admin';
    default:
      return '/';
  }
}

/** A path inside this console: not another origin (`//host`, `/\host`), not sign-in itself. */
function isConsolePage(url: string): boolean {
  return (
    url.startsWith('/') &&
    !url.startsWith('//') &&
    !url.startsWith('/\\') &&
    !/^\/sign-in(?:[/?#]|$)/.test(url)
  );
}
