#include "clue_router/domain/http_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace clue_router::domain {

std::optional<HttpUrl> parse_http_url(std::string_view text, std::string& why) {
    if (text.size() > 2048) {
        why = "must be at most 2048 characters";
        return std::nullopt;
    }
    if (std::any_of(text.begin(), text.end(),
                    [](unsigned char c) { return c <= 0x20 || c >= 0x7f; })) {
        why = "must be ASCII without spaces or control characters";
        return std::nullopt;
    }
    HttpUrl url;
    if (text.starts_with("http://")) {
        url.scheme = "http";
        text.remove_prefix(7);
    } else if (text.starts_with("https://")) {
        url.scheme = "https";
        url.port = 443;
        text.remove_prefix(8);
    } else {
        why = "must be an https:// or http:// URL";
        return std::nullopt;
    }
    const auto path_at = text.find_first_of("/?#");
    std::string_view authority = text.substr(0, path_at);
    std::string_view rest = path_at == std::string_view::npos ? "" : text.substr(path_at);
    if (rest.find('#') != std::string_view::npos) {
        why = "must not have a fragment";
        return std::nullopt;
    }
    if (authority.find('@') != std::string_view::npos) {
        why = "must not carry a user name or password";
        return std::nullopt;
    }
    std::string_view port_text;
    if (authority.starts_with("[")) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            why = "has an unclosed IPv6 address";
            return std::nullopt;
        }
        url.address = parse_ip_address(authority.substr(1, close - 1));
        if (!url.address || !url.address->v6) {
            why = "has an IPv6 address that is not valid (no zone, no brackets inside)";
            return std::nullopt;
        }
        url.host = url.address->to_string();
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                why = "has text after the IPv6 address";
                return std::nullopt;
            }
            port_text = after.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (url.host.empty() || url.host.size() > 253) {
        why = "must name a host";
        return std::nullopt;
    }
    if (!url.address) {
        // Names are letters, digits, '-', '_' and dots; anything else ("::1" unbracketed,
        // "%00", "\\") is a way to make a resolver read a host differently from this code.
        const bool name_like = std::all_of(url.host.begin(), url.host.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
        });
        if (!name_like) {
            why = "must name a host by letters, digits, '-' and '.', or an address ([…] for IPv6)";
            return std::nullopt;
        }
        bool ends_in_number = false;
        url.address = parse_url_ipv4(url.host, ends_in_number);
        if (ends_in_number && !url.address) {
            why = "has a host that ends in a number but is not an IPv4 address";
            return std::nullopt;
        }
        if (url.address) url.host = url.address->to_string();
    }
    if (!port_text.empty() || authority.ends_with(":")) {
        unsigned port = 0;
        auto [end, ec] =
            std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
            port > 65535) {
            why = "has a port outside 1-65535";
            return std::nullopt;
        }
        url.port = static_cast<std::uint16_t>(port);
    }
    url.target = rest.empty() ? "/" : std::string(rest);
    if (url.target.front() == '?') url.target = "/" + url.target;
    return url;
}

}  // namespace clue_router::domain
