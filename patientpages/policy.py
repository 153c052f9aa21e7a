"""The site's security headers, in one place: the page template, `_headers` and the checks all read from here."""

from __future__ import annotations

_DIRECTIVES: tuple[str, ...] = (
    "default-src 'self'",
    # WebAssembly runs the offline search index (Pagefind) in the browser; it allows no inline script and
    # no other host, only compiling the site's own .wasm file.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)

# Sent as an HTTP header by the host (see HEADERS_FILE_TEXT).
CSP = "; ".join(_DIRECTIVES + ("frame-ancestors 'none'",))

# For <meta http-equiv="Content-Security-Policy">: browsers ignore frame-ancestors
# (and complain in the console) when it comes from a meta tag, so it is left out.
META_CSP = "; ".join(_DIRECTIVES)

HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=(), browsing-topics=()"),
    # No includeSubDomains: the site may live on a hospital's domain whose other hosts we do not control.
    ("Strict-Transport-Security", "max-age=31536000"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)

# Netlify / Cloudflare Pages `_headers` format: a path pattern, then indented `Name: value` lines.
HEADERS_FILE_TEXT = "/*\n" + "".join(f"  {name}: {value}\n" for name, value in HEADERS)
