// The site's capacity, measured in the same run: insert_many of exactly the documents the engine writes, 200 a
// request (the site's maximum), with 1 or 2 streams, and nothing else: no BioTime, no lookups, no journal. What
// the engine does on top is how close it comes to this.
import * as fs from 'node:fs';
import type { ContenderRun, Job } from '../job';
import { emptyCounts } from '../job';
import { CREDENTIALS } from '../world';
import { JsonHttp } from './jsonHttp';

export const INSERT_MANY = '/api/method/frappe.client.insert_many';
const PER_REQUEST = 200;

export async function runCapacity(job: Job, progress: (processed: number) => void): Promise<ContenderRun> {
  if (!job.docsFile) throw new Error('the capacity contender needs its documents (docsFile)');
  const docs = JSON.parse(fs.readFileSync(job.docsFile, 'utf8')) as Record<string, unknown>[];
  const fr = new JsonHttp(job.frappeUrl, { Authorization: `token ${CREDENTIALS.apiKey}:${CREDENTIALS.apiSecret}` });
  const counts = emptyCounts();
  const notes: string[] = [];
  let next = 0;
  let processed = 0;
  const stream = async (): Promise<void> => {
    while (next < docs.length) {
      const part = docs.slice(next, (next += PER_REQUEST));
      const r = await fr.post(INSERT_MANY, { docs: part });
      if (r.status === 200 && Array.isArray(r.body.message)) counts.created += part.length;
      else {
        counts.failed += part.length;
        if (notes.length < 5) notes.push(`insert_many refused (${r.status}): ${JSON.stringify(r.body).slice(0, 160)}`);
      }
      progress((processed += part.length));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, job.streams ?? 1) }, stream));
  return { counts, notes };
}
