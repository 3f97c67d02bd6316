#pragma once
// Who sent a request. Usually the connection's peer; behind a TLS-terminating proxy every
// peer is the proxy, so when the peer is a trusted proxy (trusted_proxies) the client is the
// address the proxies name in X-Forwarded-For: read from the right (each proxy appends the
// address it received from), the first one that is not itself a trusted proxy. Entries left
// of it were written by the client and prove nothing. An entry that is not an address stops
// the walk at the proxy that passed it on.
#include <vector>

#include "clue_router/domain/ip_address.hpp"
#include "clue_router/http/types.hpp"

namespace clue_router::http {

domain::IpAddress client_address(const domain::IpAddress& peer, const Request& request,
                                 const std::vector<domain::IpNetwork>& trusted_proxies);

}  // namespace clue_router::http
