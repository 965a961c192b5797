/** The person signed in to this tab, as POST /api/auth/login describes them. */
export interface SignedInUser {
  id: string;
  reference: string;
  name: string;
  role: string;
  /** Their own dialable address, e.g. `/private/ada`. */
  address: string;
  tenant: string;
}
