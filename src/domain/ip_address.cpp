#include "clue_router/domain/ip_address.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace clue_router::domain {

namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const auto at = text.find(separator, start);
        out.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
        if (at == std::string_view::npos) return out;
        start = at + 1;
    }
}

// Four decimal numbers 0-255, no leading zeros, no sign: the only IPv4 text configuration
// accepts, so that "010.0.0.1" cannot mean one thing here and another to a resolver.
std::optional<std::uint32_t> strict_dotted_quad(std::string_view text) {
    const auto parts = split(text, '.');
    if (parts.size() != 4) return std::nullopt;
    std::uint32_t value = 0;
    for (const auto part : parts) {
        if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), is_digit))
            return std::nullopt;
        if (part.size() > 1 && part.front() == '0') return std::nullopt;
        unsigned n = 0;
        std::from_chars(part.data(), part.data() + part.size(), n);
        if (n > 255) return std::nullopt;
        value = (value << 8) | n;
    }
    return value;
}

std::optional<std::array<std::uint8_t, 16>> parse_v6(std::string_view text) {
    if (text.size() < 2 || text.size() > 45) return std::nullopt;
    // At most one "::"; each side is a list of groups, the last group perhaps a dotted quad.
    const auto gap = text.find("::");
    if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos)
        return std::nullopt;
    std::vector<std::uint16_t> head;
    std::vector<std::uint16_t> tail;
    const auto read_groups = [](std::string_view side, std::vector<std::uint16_t>& out,
                                bool may_end_in_v4) {
        if (side.empty()) return true;
        const auto groups = split(side, ':');
        for (std::size_t i = 0; i < groups.size(); ++i) {
            const auto g = groups[i];
            if (may_end_in_v4 && i + 1 == groups.size() && g.find('.') != std::string_view::npos) {
                const auto v4 = strict_dotted_quad(g);
                if (!v4) return false;
                out.push_back(static_cast<std::uint16_t>(*v4 >> 16));
                out.push_back(static_cast<std::uint16_t>(*v4 & 0xffff));
                continue;
            }
            if (g.empty() || g.size() > 4) return false;
            std::uint16_t v = 0;
            for (const char c : g) {
                const int d = hex_digit(c);
                if (d < 0) return false;
                v = static_cast<std::uint16_t>((v << 4) | d);
            }
            out.push_back(v);
        }
        return true;
    };
    if (gap == std::string_view::npos) {
        if (!read_groups(text, head, true) || head.size() != 8) return std::nullopt;
    } else {
        if (!read_groups(text.substr(0, gap), head, false) ||
            !read_groups(text.substr(gap + 2), tail, true) || head.size() + tail.size() > 7) {
            return std::nullopt;
        }
    }
    std::vector<std::uint16_t> groups = head;
    groups.resize(8 - tail.size(), 0);
    groups.insert(groups.end(), tail.begin(), tail.end());
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < 8; ++i) {
        bytes[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
        bytes[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xff);
    }
    return bytes;
}

// One label of a WHATWG IPv4 host: "0x1f" hex, "017" octal, "17" decimal. Too long to be a
// 32-bit number is refused before it can overflow.
std::optional<std::uint64_t> url_ipv4_number(std::string_view label) {
    if (label.empty()) return std::nullopt;
    int base = 10;
    if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) {
        base = 16;
        label.remove_prefix(2);
    } else if (label.size() >= 2 && label[0] == '0') {
        base = 8;
        label.remove_prefix(1);
    }
    if (label.empty()) return 0;  // "0x" is zero, as WHATWG says
    if (label.size() > 32) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : label) {
        const int d = hex_digit(c);
        if (d < 0 || d >= base) return std::nullopt;
        value = value * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
        if (value > 0xffffffffULL) return std::nullopt;
    }
    return value;
}

bool is_number_label(std::string_view label) {
    if (label.empty()) return false;
    if (std::all_of(label.begin(), label.end(), is_digit)) return true;
    if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X')) {
        return std::all_of(label.begin() + 2, label.end(),
                           [](char c) { return hex_digit(c) >= 0; });
    }
    return false;
}

}  // namespace

IpAddress IpAddress::from_v4(std::uint32_t value) {
    IpAddress a;
    a.bytes[0] = static_cast<std::uint8_t>(value >> 24);
    a.bytes[1] = static_cast<std::uint8_t>(value >> 16);
    a.bytes[2] = static_cast<std::uint8_t>(value >> 8);
    a.bytes[3] = static_cast<std::uint8_t>(value);
    return a;
}

IpAddress IpAddress::from_v6(const std::array<std::uint8_t, 16>& bytes) {
    IpAddress a;
    a.v6 = true;
    a.bytes = bytes;
    return a;
}

std::uint32_t IpAddress::v4_value() const {
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

IpAddress IpAddress::unmapped() const {
    if (!v6 || !std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes.begin())) {
        return *this;
    }
    IpAddress a;
    std::copy(bytes.begin() + 12, bytes.end(), a.bytes.begin());
    return a;
}

std::string IpAddress::to_string() const {
    if (!v6) {
        return std::to_string(bytes[0]) + "." + std::to_string(bytes[1]) + "." +
               std::to_string(bytes[2]) + "." + std::to_string(bytes[3]);
    }
    if (unmapped() != *this) return "::ffff:" + unmapped().to_string();
    std::array<unsigned, 8> groups{};
    for (std::size_t i = 0; i < 8; ++i)
        groups[i] = (unsigned{bytes[2 * i]} << 8) | bytes[2 * i + 1];
    // RFC 5952 §4.2: the longest run of two or more zero groups (the first, on a tie).
    std::size_t best = 8;
    std::size_t best_length = 1;
    for (std::size_t i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < 8 && groups[j] == 0) ++j;
        if (j - i > best_length) {
            best = i;
            best_length = j - i;
        }
        i = j;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    const auto hex = [](unsigned g) {
        std::string s;
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            const unsigned d = (g >> shift) & 0xf;
            if (d != 0 || started || shift == 0) {
                s += kHex[d];
                started = true;
            }
        }
        return s;
    };
    std::string out;
    for (std::size_t i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_length - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        out += hex(groups[i]);
    }
    return out;
}

std::optional<IpAddress> parse_ip_address(std::string_view text) {
    if (text.find(':') == std::string_view::npos) {
        const auto v4 = strict_dotted_quad(text);
        if (!v4) return std::nullopt;
        return IpAddress::from_v4(*v4);
    }
    const auto v6 = parse_v6(text);
    if (!v6) return std::nullopt;
    return IpAddress::from_v6(*v6);
}

std::optional<IpAddress> parse_url_ipv4(std::string_view host, bool& ends_in_number) {
    ends_in_number = false;
    auto labels = split(host, '.');
    if (labels.size() > 1 && labels.back().empty()) labels.pop_back();
    if (!is_number_label(labels.back())) return std::nullopt;
    ends_in_number = true;
    if (labels.size() > 4) return std::nullopt;
    std::vector<std::uint64_t> numbers;
    for (const auto label : labels) {
        const auto n = url_ipv4_number(label);
        if (!n) return std::nullopt;
        numbers.push_back(*n);
    }
    // Every label but the last is one byte; the last fills the bytes left.
    std::uint64_t value = 0;
    for (std::size_t i = 0; i + 1 < numbers.size(); ++i) {
        if (numbers[i] > 255) return std::nullopt;
        value |= numbers[i] << (8 * (3 - i));
    }
    const std::uint64_t last_limit = std::uint64_t{1} << (8 * (5 - numbers.size()));
    if (numbers.back() >= last_limit) return std::nullopt;
    value |= numbers.back();
    return IpAddress::from_v4(static_cast<std::uint32_t>(value));
}

bool IpNetwork::contains(const IpAddress& address) const {
    if (address.v6 != base.v6) return false;
    int bits = prefix_length;
    for (std::size_t i = 0; i < base.size() && bits > 0; ++i, bits -= 8) {
        const int take = std::min(bits, 8);
        const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
        if ((address.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
    }
    return true;
}

std::string IpNetwork::to_string() const {
    return base.to_string() + "/" + std::to_string(prefix_length);
}

std::optional<IpNetwork> parse_ip_network(std::string_view text, std::string& why) {
    const auto slash = text.find('/');
    const auto address = parse_ip_address(text.substr(0, slash));
    if (!address) {
        why = "is not an IPv4 or IPv6 address or network (\"10.0.0.0/8\", \"fd00::/8\")";
        return std::nullopt;
    }
    const int max = address->v6 ? 128 : 32;
    int prefix = max;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        const auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || digits.size() > 3 || ec != std::errc{} ||
            end != digits.data() + digits.size() || prefix < 0 || prefix > max) {
            why = "has a prefix length outside 0-" + std::to_string(max);
            return std::nullopt;
        }
    }
    // The base with its host bits cleared must be the base itself.
    IpAddress cleared = *address;
    int bits = prefix;
    for (std::size_t i = 0; i < cleared.size(); ++i, bits -= 8) {
        const int keep = std::clamp(bits, 0, 8);
        cleared.bytes[i] &= static_cast<std::uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
    }
    if (cleared != *address) {
        why = "has bits set past its prefix length (did you mean " +
              IpNetwork{cleared, prefix}.to_string() + "?)";
        return std::nullopt;
    }
    return IpNetwork{*address, prefix};
}

}  // namespace clue_router::domain
