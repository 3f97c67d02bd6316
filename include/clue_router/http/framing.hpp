#pragma once
// Checks on a request header that Beast's parser leaves to the server, each a way to make two
// HTTP processors (a proxy and this server) disagree about where a request ends (request
// smuggling) or whom it is for:
//   - Transfer-Encoding: this server decodes no transfer coding but chunked, so the only
//     Transfer-Encoding it accepts is exactly one field whose value is exactly "chunked".
//     Anything else ("gzip", "xchunked", "chunked, identity", "gzip, chunked", two fields)
//     is answered 400 and the connection closed (RFC 9112 §6.3): Beast would otherwise
//     ignore a coding it does not know and read the body as the next request. A
//     Transfer-Encoding on an HTTP/1.0 request is faulty framing too (RFC 9112 §6.1).
//   - Host: exactly one on HTTP/1.1, none or one on HTTP/1.0, and a value that is a host
//     and optional port (RFC 9112 §3.2).
// Content-Length beside Transfer-Encoding, and Content-Length values that disagree, are
// refused by Beast itself.
#include <optional>
#include <string>

#include "clue_router/http/types.hpp"

namespace clue_router::http {

// nullopt when the header may be served; otherwise what is wrong, for a 400.
std::optional<std::string> framing_problem(const beast_http::request_header<>& header);

}  // namespace clue_router::http
