#pragma once
// A webhook endpoint's URL, taken apart once when it is registered and again by the
// dispatcher: http[s]://host[:port]/path?query. No user info, no fragment.
//
// A host that is an address, in any spelling a resolver would accept ("2130706433",
// "0x7f000001", "[::ffff:127.0.0.1]"), is read as that address and kept in canonical text,
// so the address policy judges the same address the connection will go to.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clue_router/domain/ip_address.hpp"

namespace clue_router::domain {

struct HttpUrl {
    std::string scheme;  // "http" or "https"
    std::string host;    // a name, an IPv4 address, or an IPv6 address without brackets
    std::optional<IpAddress> address;  // set when the host is an address; host is then its text
    std::uint16_t port = 80;           // 80 or 443 when the URL names none
    std::string target;                // path and query, at least "/"

    bool tls() const { return scheme == "https"; }
    bool default_port() const { return port == (tls() ? 443 : 80); }
};

// nullopt with `why` set when the text is not such a URL.
std::optional<HttpUrl> parse_http_url(std::string_view text, std::string& why);

}  // namespace clue_router::domain
