#include "clue_router/domain/address_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace clue_router::domain {

namespace {

struct Range {
    const char* network;
    AddressKind kind;
};

// Most specific first: the first range that contains an address decides. From IANA's IPv4
// and IPv6 special-purpose address registries (RFC 6890 and successors).
constexpr std::array kRanges = {
    Range{"169.254.169.254/32", AddressKind::metadata},  // AWS, GCP, Azure, OpenStack, Huawei
    Range{"169.254.170.2/32", AddressKind::metadata},    // AWS ECS task credentials
    Range{"169.254.0.23/32", AddressKind::metadata},     // Tencent Cloud
    Range{"100.100.100.200/32", AddressKind::metadata},  // Alibaba Cloud
    Range{"fd00:ec2::254/128", AddressKind::metadata},   // AWS over IPv6
    Range{"255.255.255.255/32", AddressKind::broadcast},
    Range{"0.0.0.0/8", AddressKind::unspecified},  // 0.0.0.0 reaches this host on Linux
    Range{"127.0.0.0/8", AddressKind::loopback},
    Range{"10.0.0.0/8", AddressKind::private_use},
    Range{"100.64.0.0/10", AddressKind::private_use},
    Range{"172.16.0.0/12", AddressKind::private_use},
    Range{"192.168.0.0/16", AddressKind::private_use},
    Range{"169.254.0.0/16", AddressKind::link_local},
    Range{"192.0.0.0/24", AddressKind::special},
    Range{"192.0.2.0/24", AddressKind::special},
    Range{"192.88.99.0/24", AddressKind::special},
    Range{"198.18.0.0/15", AddressKind::special},
    Range{"198.51.100.0/24", AddressKind::special},
    Range{"203.0.113.0/24", AddressKind::special},
    Range{"224.0.0.0/4", AddressKind::multicast},
    Range{"240.0.0.0/4", AddressKind::special},
    Range{"::/128", AddressKind::unspecified},
    Range{"::1/128", AddressKind::loopback},
    Range{"::/96", AddressKind::special},  // IPv4-compatible, deprecated
    Range{"64:ff9b:1::/48", AddressKind::special},
    Range{"100::/64", AddressKind::special},
    Range{"2001:db8::/32", AddressKind::special},
    Range{"2001::/23", AddressKind::special},  // IETF assignments, Teredo among them
    Range{"3fff::/20", AddressKind::special},
    Range{"5f00::/16", AddressKind::special},
    Range{"fc00::/7", AddressKind::private_use},
    Range{"fe80::/10", AddressKind::link_local},
    Range{"fec0::/10", AddressKind::private_use},
    Range{"ff00::/8", AddressKind::multicast},
};

const std::vector<std::pair<IpNetwork, AddressKind>>& ranges() {
    static const auto parsed = [] {
        std::vector<std::pair<IpNetwork, AddressKind>> out;
        for (const auto& r : kRanges) {
            std::string why;
            out.emplace_back(*parse_ip_network(r.network, why), r.kind);
        }
        return out;
    }();
    return parsed;
}

bool starts_with_bytes(const IpAddress& a, std::initializer_list<std::uint8_t> prefix) {
    return a.v6 && std::equal(prefix.begin(), prefix.end(), a.bytes.begin());
}

// The IPv4 address that a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address leads to.
std::optional<IpAddress> embedded_v4(const IpAddress& a) {
    if (starts_with_bytes(a, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
        IpAddress v4;
        std::copy(a.bytes.begin() + 12, a.bytes.end(), v4.bytes.begin());
        return v4;
    }
    if (starts_with_bytes(a, {0x20, 0x02})) {
        IpAddress v4;
        std::copy(a.bytes.begin() + 2, a.bytes.begin() + 6, v4.bytes.begin());
        return v4;
    }
    return std::nullopt;
}

AddressKind classify_direct(const IpAddress& a) {
    for (const auto& [network, kind] : ranges()) {
        if (network.contains(a)) return kind;
    }
    // Only 2000::/3 is global unicast in IPv6; everything else is some special use.
    if (a.v6 && (a.bytes[0] & 0xe0) != 0x20) return AddressKind::special;
    return AddressKind::global;
}

bool is_localhost_name(std::string_view host) {
    std::string name(host);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name.ends_with(".")) name.pop_back();
    return name == "localhost" || name.ends_with(".localhost");
}

}  // namespace

AddressKind classify(const IpAddress& address) {
    const IpAddress a = address.unmapped();
    if (const auto v4 = embedded_v4(a)) return classify_direct(*v4);
    return classify_direct(a);
}

std::string_view to_string(AddressKind kind) {
    switch (kind) {
        case AddressKind::global:
            return "public";
        case AddressKind::loopback:
            return "loopback";
        case AddressKind::private_use:
            return "private";
        case AddressKind::link_local:
            return "link-local";
        case AddressKind::special:
            return "special-purpose";
        case AddressKind::unspecified:
            return "unspecified";
        case AddressKind::multicast:
            return "multicast";
        case AddressKind::broadcast:
            return "broadcast";
        case AddressKind::metadata:
            return "cloud metadata";
    }
    return "unknown";
}

bool may_be_allowed(AddressKind kind) {
    return kind == AddressKind::loopback || kind == AddressKind::private_use ||
           kind == AddressKind::link_local || kind == AddressKind::special;
}

std::optional<AddressKind> AddressPolicy::refusal(const IpAddress& address) const {
    const AddressKind kind = classify(address);
    if (kind == AddressKind::global) return std::nullopt;
    if (!may_be_allowed(kind)) return kind;
    // A listed network may name the IPv4 address or the IPv6 form it was reached by.
    const IpAddress a = address.unmapped();
    const auto v4 = embedded_v4(a);
    const bool listed = std::any_of(allowed_.begin(), allowed_.end(), [&](const IpNetwork& n) {
        return n.contains(a) || (v4 && n.contains(*v4));
    });
    if (listed) return std::nullopt;
    return kind;
}

std::optional<AddressKind> AddressPolicy::refusal_of_host(const HttpUrl& url) const {
    if (url.address) return refusal(*url.address);
    if (is_localhost_name(url.host)) return refusal(IpAddress::from_v4(0x7f000001));
    return std::nullopt;
}

}  // namespace clue_router::domain
