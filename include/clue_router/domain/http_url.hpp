#pragma once
// A webhook endpoint's URL, taken apart once when it is registered and again by the
// dispatcher: http://host[:port]/path?query. No user info, no fragment.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clue_router::domain {

struct HttpUrl {
    std::string scheme;  // "http"
    std::string host;    // a name, an IPv4 address, or an IPv6 address without brackets
    std::uint16_t port = 80;
    std::string target;  // path and query, at least "/"
};

// nullopt with `why` set when the text is not such a URL.
std::optional<HttpUrl> parse_http_url(std::string_view text, std::string& why);

}  // namespace clue_router::domain
