#pragma once
// A webhook endpoint's URL, taken apart once when it is registered and again by the
// dispatcher: http[s]://host[:port]/path?query. No user info, no fragment.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clue_router::domain {

struct HttpUrl {
    std::string scheme;       // "http" or "https"
    std::string host;         // a name, an IPv4 address, or an IPv6 address without brackets
    std::uint16_t port = 80;  // 80 or 443 when the URL names none
    std::string target;       // path and query, at least "/"

    bool tls() const { return scheme == "https"; }
    bool default_port() const { return port == (tls() ? 443 : 80); }
};

// nullopt with `why` set when the text is not such a URL.
std::optional<HttpUrl> parse_http_url(std::string_view text, std::string& why);

}  // namespace clue_router::domain
