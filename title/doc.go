// Package title fetches web pages and reports the title of each, right in
// every encoding, at the speed of the network.
//
// One Fetcher holds one tuned HTTP client (keep-alive, HTTP/2 where the
// server offers it, gzip, deflate and brotli) shared by every request it
// makes; Job, the titles job, makes one Fetcher per run from its Config.
// A Fetcher bounds what each page may cost: connect, header
// and whole-request timeouts, at most ten redirects with loop detection, and
// a cap on the bytes read per page. Reading stops at </title>, so memory
// stays flat however much the pages weigh.
//
// Extract finds the title with a real HTML tokenizer: the first <title> of
// the document that is not inside <svg>, with entities decoded and
// whitespace collapsed. The character set is taken, in this order, from a
// byte order mark, the Content-Type header, a <meta charset> or http-equiv
// declaration in the first 1,024 bytes, a statistical guess for undeclared
// pages that are not UTF-8, and finally windows-1252. Titles are always
// valid UTF-8.
//
// Every failure is an *Error whose Class is a short, stable word (dns,
// connect, tls, timeout, http_status, ...); failures worth retrying are
// wrapped with engine.Transient so that the engine retries them. A page
// whose status is not 2xx is an http_status failure that still carries
// its title when it is HTML. Definitive tells an answer (a title, a 404,
// no_title...) from a failure that a later fetch may not meet.
package title
