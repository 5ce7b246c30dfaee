// Contender 3: the approach of frappe/biometric-attendance-sync-tool (peers.md §1): one POST of
// add_log_based_on_employee_field per punch, in sequence, with "No Employee found" and duplicate answers skipped
// (its allowed_exceptions). Frappe matches the code and detects duplicates server-side. The tool reads terminals
// over ZK TCP; here it reads the same BioTime pages as the other contenders, so only the Frappe side differs. It
// has no user control.
import type { ContenderRun, Job } from '../job';
import { emptyCounts } from '../job';
import { CREDENTIALS } from '../world';
import { logTypeOf } from '../workload';
import { biotimePages, JsonHttp } from './jsonHttp';

export const ADD_LOG = '/api/method/hrms.hr.doctype.employee_checkin.employee_checkin.add_log_based_on_employee_field';

export async function runFbast(job: Job, progress: (processed: number) => void): Promise<ContenderRun> {
  const fr = new JsonHttp(job.frappeUrl, { Authorization: `token ${CREDENTIALS.apiKey}:${CREDENTIALS.apiSecret}` });
  const counts = emptyCounts();
  const notes: string[] = [];
  let processed = 0;
  for await (const rows of biotimePages(job.biotimeUrl, CREDENTIALS.username, CREDENTIALS.password, job.pageSize)) {
    for (const row of rows) {
      const r = await fr.post(ADD_LOG, {
        employee_field_value: String(row.emp_code),
        timestamp: String(row.punch_time),
        device_id: job.biotimeUrl,
        log_type: logTypeOf(String(row.punch_state)),
      });
      const text = JSON.stringify(r.body);
      if (r.status === 200) counts.created++;
      else if (/already has a log with the same timestamp/.test(text)) counts.duplicate++;
      else {
        counts.failed++;
        if (!/No Employee found/.test(text) && notes.length < 5)
          notes.push(`add_log refused (${r.status}): ${text.slice(0, 160)}`);
      }
      processed++;
    }
    progress(processed);
  }
  return { counts, notes };
}
