#include "clue_router/http/asio_address.hpp"

namespace clue_router::http {

domain::IpAddress to_ip_address(const boost::asio::ip::address& address) {
    if (address.is_v4()) return domain::IpAddress::from_v4(address.to_v4().to_uint());
    const auto bytes = address.to_v6().to_bytes();
    std::array<std::uint8_t, 16> copy{};
    std::copy(bytes.begin(), bytes.end(), copy.begin());
    return domain::IpAddress::from_v6(copy);
}

}  // namespace clue_router::http
