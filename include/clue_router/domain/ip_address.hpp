#pragma once
// IP addresses and networks as plain values, parsed and compared without touching the
// network: what the webhook address policy judges, what webhook_allowed_networks and
// trusted_proxies list, and what per-address rate limits count.
//
// Two parsers, because there are two jobs. parse_ip_address reads the strict text forms
// (a dotted quad, RFC 4291 IPv6) that configuration and headers use. parse_url_ipv4 reads a
// URL host the way browsers (the WHATWG URL standard) and getaddrinfo's inet_aton do, where
// "2130706433", "0x7f000001", "0177.0.0.1" and "127.1" all mean 127.0.0.1: a check that
// reads a host differently from the resolver that later connects to it is no check.
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clue_router::domain {

struct IpAddress {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4: the first four, in network order

    static IpAddress from_v4(std::uint32_t value);
    static IpAddress from_v6(const std::array<std::uint8_t, 16>& bytes);

    std::size_t size() const { return v6 ? 16 : 4; }
    std::uint32_t v4_value() const;  // IPv4 only
    // The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for; otherwise
    // the address itself. Sockets report IPv4 peers of a dual-stack listener this way.
    IpAddress unmapped() const;
    // A dotted quad, or RFC 5952 text (lower case, the longest run of zeros as "::").
    std::string to_string() const;

    auto operator<=>(const IpAddress&) const = default;
};

// A dotted quad of decimal numbers 0-255 (no leading zeros), or an IPv6 address in RFC 4291
// text, optionally ending in a dotted quad; no brackets, no zone ("%eth0").
std::optional<IpAddress> parse_ip_address(std::string_view text);

// A URL host "ends in a number" (WHATWG URL, host parsing) when its last label (ignoring one
// trailing dot) is decimal digits or 0x followed by hex digits. Such a host is an IPv4
// address, each label decimal, octal (leading 0) or hex (0x), the last one filling the bytes
// that are left. Returns nullopt with ends_in_number false for a name, nullopt with
// ends_in_number true for a host that is neither a name nor a valid address ("1.2.3.999").
std::optional<IpAddress> parse_url_ipv4(std::string_view host, bool& ends_in_number);

struct IpNetwork {
    IpAddress base;
    int prefix_length = 0;  // 0-32 or 0-128

    // Same family only: compare an address's unmapped() form with IPv4 networks.
    bool contains(const IpAddress& address) const;
    std::string to_string() const;  // "10.0.0.0/8"

    bool operator==(const IpNetwork&) const = default;
};

// "10.0.0.0/8", "fd00::/8", or a single address ("192.0.2.7" is 192.0.2.7/32). Bits past the
// prefix must be zero: "10.1.0.0/8" is more likely a typo than a wish for all of 10/8.
std::optional<IpNetwork> parse_ip_network(std::string_view text, std::string& why);

}  // namespace clue_router::domain
