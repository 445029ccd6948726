// A separate OS process that sends one HTTP request when its parent says "go" (concurrency tests).
// Input (message 1): { base_url, method, path, body, cookie, csrf }; then "go"; output: { status, code }.
let request = null;
process.on('message', async (message) => {
  if (message !== 'go') {
    request = message;
    process.send?.('ready');
    return;
  }
  const response = await fetch(`${request.base_url}${request.path}`, {
    method: request.method,
    headers: { 'content-type': 'application/json', cookie: request.cookie, 'x-csrf-token': request.csrf },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  const text = await response.text();
  let code = null;
  try { code = JSON.parse(text).code ?? null; } catch { /* not JSON */ }
  process.send?.({ status: response.status, code }, () => process.exit(0));
});
