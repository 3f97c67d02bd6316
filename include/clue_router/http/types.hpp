#pragma once
#include <boost/beast/http.hpp>

namespace clue_router::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

}  // namespace clue_router::http
