#include "clue_router/domain/time.hpp"

#include <cstdio>

namespace clue_router::domain {
namespace {

using namespace std::chrono;

// Reads exactly `n` ASCII digits at `pos`; std::from_chars would also accept fewer digits,
// which RFC 3339 does not.
bool read_digits(std::string_view text, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > text.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

}  // namespace

bool is_valid_civil_date(int year, unsigned month, unsigned day) {
    return year_month_day{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}}
        .ok();
}

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
    // full-date "T" partial-time time-offset; the letters T and Z may be lowercase
    // (RFC 3339 §5.6 note). Leap seconds (:60) are rejected: sys_time cannot hold them and
    // no partner system sends them.
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (!read_digits(text, 0, 4, y) || text.size() < 19 || text[4] != '-' ||
        !read_digits(text, 5, 2, mo) || text[7] != '-' || !read_digits(text, 8, 2, d) ||
        (text[10] != 'T' && text[10] != 't') || !read_digits(text, 11, 2, h) || text[13] != ':' ||
        !read_digits(text, 14, 2, mi) || text[16] != ':' || !read_digits(text, 17, 2, s)) {
        return std::nullopt;
    }
    if (!is_valid_civil_date(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) || h > 23 ||
        mi > 59 || s > 59) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    int millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        int scale = 100;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            // Digits beyond milliseconds are truncated, not rounded, so that a time never
            // moves into the next second.
            millis += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    if (pos >= text.size()) return std::nullopt;
    int offset_minutes = 0;
    const char z = text[pos];
    if (z == 'Z' || z == 'z') {
        ++pos;
    } else if (z == '+' || z == '-') {
        int oh = 0, om = 0;
        if (!read_digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !read_digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset_minutes = (oh * 60 + om) * (z == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;

    const sys_days date{std::chrono::year{y} / mo / d};
    const auto local = date + hours{h} + minutes{mi} + seconds{s} + milliseconds{millis};
    return Timestamp{local - minutes{offset_minutes}};
}

std::string format_rfc3339(Timestamp t) {
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    const int year = int(ymd.year());
    if (year < 0 || year > 9999) {
        // Outside RFC 3339's four-digit years: printf's rendering, as it always was.
        char buf[40];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year,
                      unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                      int(hms.minutes().count()), int(hms.seconds().count()),
                      int(hms.subseconds().count()));
        return buf;
    }
    // Written digit by digit: every stored row and every reply carries several of these
    // stamps, and snprintf's format parsing cost more than the rest of a row's encoding.
    std::string out = "0000-00-00T00:00:00.000Z";
    const auto put = [&out](std::size_t at, int value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value /= 10) out[at + i] = char('0' + value % 10);
    };
    put(0, year, 4);
    put(5, int(unsigned(ymd.month())), 2);
    put(8, int(unsigned(ymd.day())), 2);
    put(11, int(hms.hours().count()), 2);
    put(14, int(hms.minutes().count()), 2);
    put(17, int(hms.seconds().count()), 2);
    put(20, int(hms.subseconds().count()), 3);
    return out;
}

CivilDate civil_date_of(Timestamp t) {
    const year_month_day ymd{floor<days>(t)};
    return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day())};
}

int age_on(CivilDate birth, CivilDate on) {
    int age = on.year - birth.year;
    // Someone born on 29 February becomes a year older on 1 March in common years, which
    // is what comparing (month, day) pairs gives.
    if (on.month < birth.month || (on.month == birth.month && on.day < birth.day)) --age;
    return age;
}

}  // namespace clue_router::domain
