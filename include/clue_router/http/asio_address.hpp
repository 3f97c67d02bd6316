#pragma once
// Asio's IP addresses as the domain's (domain/ip_address), for the address policy and the
// per-address rate limits, which know nothing of sockets.
#include <boost/asio/ip/address.hpp>

#include "clue_router/domain/ip_address.hpp"

namespace clue_router::http {

domain::IpAddress to_ip_address(const boost::asio::ip::address& address);

}  // namespace clue_router::http
