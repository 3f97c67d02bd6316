#pragma once
// Where webhooks may be sent. A webhook URL is chosen by a partner's staff; without a policy
// it is a way to make the server send requests into its own network (SSRF): the loopback
// interface, a cloud's metadata service, the intranet. So by default only public unicast
// addresses are allowed; an administrator may open private, loopback, link-local or other
// special ranges one network at a time (webhook_allowed_networks), since partners on a
// government intranet need it. Unspecified, multicast and broadcast addresses, and the
// metadata services of the clouds clue-router may run on, are never allowed: no receiver
// lives there.
//
// The policy judges addresses, so it is applied to the address each connection actually
// goes to, after name resolution and on every attempt (http/webhook_client); a host judged
// here at registration only gives a partner an early, clear answer.
#include <optional>
#include <string_view>
#include <vector>

#include "clue_router/domain/http_url.hpp"
#include "clue_router/domain/ip_address.hpp"

namespace clue_router::domain {

enum class AddressKind {
    global,       // public unicast: allowed
    loopback,     // 127.0.0.0/8, ::1
    private_use,  // 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), fc00::/7, fec0::/10
    link_local,   // 169.254/16, fe80::/10
    special,      // the rest of IANA's special-purpose registries: documentation, benchmarking,
                  // reserved, IETF assignments, IPv6 outside 2000::/3
    unspecified,  // 0.0.0.0/8, ::
    multicast,    // 224/4, ff00::/8
    broadcast,    // 255.255.255.255
    metadata,     // 169.254.169.254, 169.254.170.2, 169.254.0.23, 100.100.100.200, fd00:ec2::254
};

// What an address is. IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
// addresses are judged by the IPv4 address they lead to.
AddressKind classify(const IpAddress& address);
std::string_view to_string(AddressKind kind);  // "loopback", "private", "link-local", …
// Kinds an administrator may allow by listing a network.
bool may_be_allowed(AddressKind kind);

class AddressPolicy {
  public:
    AddressPolicy() = default;  // public unicast addresses only
    explicit AddressPolicy(std::vector<IpNetwork> allowed) : allowed_(std::move(allowed)) {}

    // nullopt when webhooks may go to this address, else what kind of address refused it.
    std::optional<AddressKind> refusal(const IpAddress& address) const;
    bool allows(const IpAddress& address) const { return !refusal(address); }

    // A URL's host before any resolution: its address when it is one, and "localhost" or a
    // name under ".localhost" as the loopback address they always name (RFC 6761). Other
    // names are nullopt here; they are judged by what they resolve to, at each connection.
    std::optional<AddressKind> refusal_of_host(const HttpUrl& url) const;

    const std::vector<IpNetwork>& allowed() const { return allowed_; }

  private:
    std::vector<IpNetwork> allowed_;
};

}  // namespace clue_router::domain
