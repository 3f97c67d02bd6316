#include "clue_router/http/client_address.hpp"

#include <algorithm>
#include <string_view>

namespace clue_router::http {

namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool trusted(const domain::IpAddress& a, const std::vector<domain::IpNetwork>& proxies) {
    const auto address = a.unmapped();
    return std::any_of(proxies.begin(), proxies.end(),
                       [&](const domain::IpNetwork& n) { return n.contains(address); });
}

}  // namespace

domain::IpAddress client_address(const domain::IpAddress& peer, const Request& request,
                                 const std::vector<domain::IpNetwork>& trusted_proxies) {
    domain::IpAddress candidate = peer.unmapped();
    if (trusted_proxies.empty() || !trusted(candidate, trusted_proxies)) return candidate;
    // Every X-Forwarded-For line, in order, is one list.
    std::vector<std::string_view> hops;
    const auto [first, last] = request.equal_range("X-Forwarded-For");
    for (auto it = first; it != last; ++it) {
        std::string_view value = it->value();
        while (true) {
            const auto comma = value.find(',');
            hops.push_back(trimmed(value.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            value.remove_prefix(comma + 1);
        }
    }
    for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
        if (!trusted(candidate, trusted_proxies)) break;
        const auto address = domain::parse_ip_address(*hop);
        if (!address) break;
        candidate = address->unmapped();
    }
    return candidate;
}

}  // namespace clue_router::http
