//! Just enough HTTP/1.1 for a local preview: GET and HEAD, one request per connection, with
//! bounded request lines and headers.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// The longest request line read (method, target and version).
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The most bytes of request line and headers read, together.
pub const MAX_HEAD: usize = 32 * 1024;

/// A parsed request line, and its `Host` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The decoded path, without the query.
    pub path: String,
    /// The `Host` header, if sent.
    pub host: Option<String>,
}

/// Why a request could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BadRequest {
    Malformed,
    /// The path tries to leave the site (`..`, a backslash, a NUL).
    Outside,
    /// The request line is longer than [`MAX_REQUEST_LINE`].
    UriTooLong,
    /// The headers go past [`MAX_HEAD`].
    HeadersTooLarge,
}

impl BadRequest {
    /// The status line and body to answer with.
    pub fn response(&self) -> (&'static str, &'static [u8]) {
        match self {
            BadRequest::Malformed => ("400 Bad Request", b"bad request\n"),
            BadRequest::Outside => ("403 Forbidden", b"outside the site\n"),
            BadRequest::UriTooLong => ("414 URI Too Long", b"the request line is too long\n"),
            BadRequest::HeadersTooLarge => ("431 Request Header Fields Too Large", b"the headers are too large\n"),
        }
    }
}

/// Reads the request line and the headers (keeping `Host`), never more than [`MAX_HEAD`] bytes.
pub fn read_request(stream: &TcpStream) -> io::Result<Result<Request, BadRequest>> {
    let mut reader = BufReader::new(stream.take(MAX_HEAD as u64));
    let mut line = String::new();
    reader.read_line(&mut line)?;
    if line.len() > MAX_REQUEST_LINE {
        return Ok(Err(BadRequest::UriTooLong));
    }
    if !line.ends_with('\n') {
        return Ok(Err(if line.len() >= MAX_HEAD { BadRequest::UriTooLong } else { BadRequest::Malformed }));
    }
    let mut host = None;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        if !header.ends_with('\n') {
            return Ok(Err(BadRequest::HeadersTooLarge));
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("host") {
                host = Some(value.trim().to_string());
            }
        }
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(Err(BadRequest::Malformed));
    };
    let raw_path = target.split(['?', '#']).next().unwrap_or("/");
    Ok(decode_path(raw_path).map(|path| Request { method: method.to_string(), path, host }))
}

/// Whether `host` (a `Host` header) names this server: a loopback name at `port`. Any other
/// name may be a page on another site reaching the preview through DNS rebinding.
pub fn is_local_host(host: &str, port: u16) -> bool {
    let (name, given) = match host.rsplit_once(':') {
        Some((name, p)) if !p.contains(']') => (name, Some(p)),
        _ => (host, None),
    };
    let local = matches!(name.to_ascii_lowercase().as_str(), "127.0.0.1" | "localhost" | "[::1]");
    local && given.is_none_or(|p| p.parse() == Ok(port))
}

/// Percent-decodes `raw` and refuses any path that could climb out of the site.
pub fn decode_path(raw: &str) -> Result<String, BadRequest> {
    if !raw.starts_with('/') {
        return Err(BadRequest::Malformed);
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3).ok_or(BadRequest::Malformed)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| BadRequest::Malformed)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(out).map_err(|_| BadRequest::Malformed)?;
    if path.contains(['\\', '\0']) || path.split('/').any(|segment| segment == "..") {
        return Err(BadRequest::Outside);
    }
    Ok(path)
}

/// The media type for a file name.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Writes a complete response and closes the exchange.
pub fn respond(
    mut stream: &TcpStream,
    status: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    head: bool,
) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_and_kept_inside_the_site() {
        assert_eq!(decode_path("/kb/a%20b.html"), Ok("/kb/a b.html".into()));
        assert_eq!(decode_path("/kb/../../etc/passwd"), Err(BadRequest::Outside));
        assert_eq!(decode_path("/kb/%2e%2e/%2e%2e/etc/passwd"), Err(BadRequest::Outside));
        assert_eq!(decode_path("/kb/..%5c..%5cwin.ini"), Err(BadRequest::Outside));
        assert_eq!(decode_path("/a%00"), Err(BadRequest::Outside));
        assert_eq!(decode_path("/a%zz"), Err(BadRequest::Malformed));
        assert_eq!(decode_path("relative"), Err(BadRequest::Malformed));
    }

    #[test]
    fn only_loopback_names_of_this_port_are_local() {
        for host in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST:8080", "127.0.0.1", "[::1]:8080"] {
            assert!(is_local_host(host, 8080), "{host}");
        }
        for host in ["evil.example:8080", "127.0.0.1:8081", "127.0.0.1.evil.example:8080", "10.0.0.1:8080", ""] {
            assert!(!is_local_host(host, 8080), "{host}");
        }
    }

    #[test]
    fn types_follow_the_extension() {
        assert_eq!(content_type("a/b.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("x"), "application/octet-stream");
    }
}
