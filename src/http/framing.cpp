#include "clue_router/http/framing.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include <boost/beast/core/string.hpp>

namespace clue_router::http {

namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// uri-host [ ":" port ]: a reg-name (unreserved, sub-delims, pct-encoded) or an IP-literal in
// brackets. Empty is allowed: RFC 9112 §3.2 asks for an empty Host when there is no authority.
bool is_host_value(std::string_view v) {
    if (v.empty()) return true;
    std::string_view host = v;
    std::string_view port;
    if (v.front() == '[') {
        const auto close = v.find(']');
        if (close == std::string_view::npos) return false;
        const auto literal = v.substr(1, close - 1);
        if (literal.empty() || !std::all_of(literal.begin(), literal.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
            })) {
            return false;
        }
        const auto rest = v.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return false;
        port = rest.empty() ? rest : rest.substr(1);
        host = {};
    } else if (const auto colon = v.rfind(':'); colon != std::string_view::npos) {
        host = v.substr(0, colon);
        port = v.substr(colon + 1);
    }
    static constexpr std::string_view kAllowed = "-._~!$&'()*+,;=%";
    const bool host_ok = std::all_of(host.begin(), host.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               kAllowed.find(c) != std::string_view::npos;
    });
    const bool port_ok = port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) {
                             return std::isdigit(static_cast<unsigned char>(c));
                         });
    return host_ok && port_ok;
}

}  // namespace

std::optional<std::string> framing_problem(const beast_http::request_header<>& header) {
    const auto [te_first, te_last] = header.equal_range(beast_http::field::transfer_encoding);
    const auto te_fields = std::distance(te_first, te_last);
    if (te_fields > 0) {
        if (header.version() < 11) {
            return "Transfer-Encoding is not allowed on an HTTP/1.0 request";
        }
        if (te_fields > 1 || !boost::beast::iequals(trimmed(te_first->value()), "chunked")) {
            return "Transfer-Encoding must be exactly \"chunked\"; no other coding is accepted";
        }
    }
    const auto [host_first, host_last] = header.equal_range(beast_http::field::host);
    const auto hosts = std::distance(host_first, host_last);
    if (hosts > 1) return "a request must have one Host header, not several";
    if (hosts == 0 && header.version() >= 11) return "an HTTP/1.1 request must have a Host header";
    if (hosts == 1 && !is_host_value(trimmed(host_first->value()))) {
        return "the Host header is not a host and port";
    }
    return std::nullopt;
}

}  // namespace clue_router::http
