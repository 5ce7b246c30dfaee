// Contender 2: the seed (docs/reference/seed.md, steps 2-6) taken literally and written honestly. Per punch:
// one Employee lookup by Biometric ID, one duplicate lookup (same employee, same time), one insert, and the
// post-checkin user-control call. BioTime is read with the engine's page size (not BioTime's default 10), one
// connection is kept alive, and the user control reads the User first and writes only when the state changes,
// exactly like the engine's frappe-user mechanism — so the comparison is of the per-record design, not of a
// crippled client. The seed's start_time filter needs a last-sync time; this is a first import, so there is none.
import type { ContenderRun, Job } from '../job';
import { emptyCounts } from '../job';
import { CREDENTIALS } from '../world';
import { logTypeOf } from '../workload';
import { biotimePages, JsonHttp } from './jsonHttp';

export async function runSeed(job: Job, progress: (processed: number) => void): Promise<ContenderRun> {
  const fr = new JsonHttp(job.frappeUrl, { Authorization: `token ${CREDENTIALS.apiKey}:${CREDENTIALS.apiSecret}` });
  const counts = emptyCounts();
  const notes: string[] = [];
  let processed = 0;
  for await (const rows of biotimePages(job.biotimeUrl, CREDENTIALS.username, CREDENTIALS.password, job.pageSize)) {
    for (const row of rows) {
      await syncOne(fr, job, row, counts, notes);
      processed++;
    }
    progress(processed);
  }
  return { counts, notes: notes.slice(0, 5) };
}

async function syncOne(
  fr: JsonHttp,
  job: Job,
  row: Record<string, unknown>,
  counts: ReturnType<typeof emptyCounts>,
  notes: string[],
): Promise<void> {
  const code = String(row.emp_code);
  const time = String(row.punch_time);
  const emp = await fr.get('/api/resource/Employee', {
    fields: ['name', 'user_id'],
    filters: [['attendance_device_id', '=', code]],
    limit_page_length: 1,
  });
  const employee = (emp.body.data as Array<{ name: string; user_id: string | null }> | undefined)?.[0];
  if (!employee) return void counts.failed++;
  const dup = await fr.get('/api/resource/Employee Checkin', {
    fields: ['name'],
    filters: [
      ['employee', '=', employee.name],
      ['time', '=', time],
    ],
    limit_page_length: 1,
  });
  if (Array.isArray(dup.body.data) && dup.body.data.length) return void counts.duplicate++;
  const logType = logTypeOf(String(row.punch_state));
  const ins = await fr.post('/api/resource/Employee Checkin', {
    employee: employee.name,
    time,
    log_type: logType,
    device_id: job.biotimeUrl,
  });
  if (ins.status !== 200) {
    counts.failed++;
    if (notes.length < 5) notes.push(`insert refused (${ins.status}) for ${code} at ${time}`);
    return;
  }
  counts.created++;
  if (job.userControl === 'frappe-user' && employee.user_id) await userControl(fr, employee.user_id, logType === 'IN');
}

/** Step 6: IN enables and OUT disables the employee's User; System Managers are never touched. */
async function userControl(fr: JsonHttp, user: string, enable: boolean): Promise<void> {
  const path = `/api/resource/User/${user}`;
  const got = await fr.get(path);
  const doc = got.body.data as { enabled?: number; roles?: Array<{ role: string }> } | undefined;
  if (!doc || doc.roles?.some((r) => r.role === 'System Manager')) return;
  if ((doc.enabled === 1) !== enable) await fr.put(path, { enabled: enable ? 1 : 0 });
}
