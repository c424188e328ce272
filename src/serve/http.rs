//! Just enough HTTP/1.1 for a local preview: GET and HEAD, one request per connection.

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;

/// A parsed request line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The decoded path, without the query.
    pub path: String,
}

/// Why a request could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BadRequest {
    Malformed,
    /// The path tries to leave the site (`..`, a backslash, a NUL).
    Outside,
}

/// Reads the request line and skips the headers.
pub fn read_request(stream: &TcpStream) -> io::Result<Result<Request, BadRequest>> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(Err(BadRequest::Malformed));
    };
    let raw_path = target.split(['?', '#']).next().unwrap_or("/");
    Ok(decode_path(raw_path).map(|path| Request { method: method.to_string(), path }))
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
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
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
    fn types_follow_the_extension() {
        assert_eq!(content_type("a/b.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("x"), "application/octet-stream");
    }
}
