// The app's backend, as every presigned contender calls it: POST JSON, get JSON back.
// (The bench server implements /api/create, /api/sign, /api/complete and /api/abort with
// the official AWS SDK presigner, the same for every contender.)
export async function api(path, body) {
  const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw new Error(`backend ${path}: ${j.error}: ${j.message}`);
  return j;
}
