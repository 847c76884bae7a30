/**
 * Report fixtures: a report file as Ottu lists it.
 *
 * @module
 */
import { merchantId } from "./setup.ts"

/** A report file as Ottu lists it. */
export const reportBody = (n: number) => ({
  encrypted_id: `enc-${n}`,
  report_name: `Report ${n}`,
  interval: "daily",
  source: "auto",
  file_format: "csv",
  records_amount: n,
  status: "finished",
  generated_at: "2026-11-30T00:00:00Z",
  created_at: "2026-11-30T00:00:00Z",
  download_action: {
    method: "GET",
    url: `https://${merchantId}/b/api/v1/reports/files/0b7e3a2c-59f4-4a4e-9f43-7f1d2c3b4a5${n % 10}/download/`,
  },
})
