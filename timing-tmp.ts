import { openDatabase } from './server/db/database.ts';
import { CallRepository } from './server/calls/call-repository.ts';
import { TenantRepository } from './server/tenants/tenant-repository.ts';
const db = await openDatabase({});
const { tenant } = await new TenantRepository(db).createTenant('t');
const repo = new CallRepository(db);
const call = (i: number) => ({ id: `c${i}`, tenantId: tenant.id, fromName: 'x', fromAddress: 'x', fromUserId: null, toAddress: '/group/g', ringGroupId: 'g', origin: 'api' as const, params: {}, status: 'ended' as const, endReason: 'hangup' as const, answeredByUserId: 'u', createdAt: Date.now(), answeredAt: Date.now(), endedAt: Date.now(), queueWaitMs: 1, talkMs: 2 });
await repo.upsertCalls(Array.from({ length: 900 }, (_, i) => call(i)));
const iso = (n: number) => new Date(n).toISOString();
for (let round = 0; round < 3; round++) {
  let cpu = process.cpuUsage();
  for (let j = 0; j < 20; j++) {
    const legs = Array.from({ length: 50 }, (_, i) => ({ id: `a${round}.${j}.${i}`, callId: `c${round * 100 + j}`, userId: 'u', attempt: 1, outcome: 'missed', rungAt: Date.now(), endedAt: Date.now() }));
    await db.query(`INSERT INTO call_legs (id, call_id, tenant_id, user_id, attempt, outcome, rung_at, ended_at)
      SELECT id, call_id, $1, user_id, attempt, outcome, rung_at, ended_at
      FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::timestamptz[], $8::timestamptz[])
        AS t(id, call_id, user_id, attempt, outcome, rung_at, ended_at) ON CONFLICT (id) DO NOTHING`,
      [tenant.id, legs.map(l => l.id), legs.map(l => l.callId), legs.map(l => l.userId), legs.map(l => l.attempt), legs.map(l => l.outcome), legs.map(l => iso(l.rungAt)), legs.map(l => iso(l.endedAt))]);
  }
  let c = process.cpuUsage(cpu); console.log('unnest 20x50 legs cpu', ((c.user + c.system) / 1000).toFixed(0));
  cpu = process.cpuUsage();
  const legs = Array.from({ length: 1000 }, (_, i) => ({ id: `b${round}.${i}`, callId: `c${round * 100 + (i % 20)}`, userId: 'u', attempt: 1, outcome: 'missed', rungAt: Date.now(), endedAt: Date.now() }));
  await db.query(`INSERT INTO call_legs (id, call_id, tenant_id, user_id, attempt, outcome, rung_at, ended_at)
      SELECT id, call_id, $1, user_id, attempt, outcome, rung_at, ended_at
      FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::timestamptz[], $8::timestamptz[])
        AS t(id, call_id, user_id, attempt, outcome, rung_at, ended_at) ON CONFLICT (id) DO NOTHING`,
      [tenant.id, legs.map(l => l.id), legs.map(l => l.callId), legs.map(l => l.userId), legs.map(l => l.attempt), legs.map(l => l.outcome), legs.map(l => iso(l.rungAt)), legs.map(l => iso(l.endedAt))]);
  c = process.cpuUsage(cpu); console.log('unnest 1x1000 legs cpu', ((c.user + c.system) / 1000).toFixed(0));
}
