#include "clue_router/domain/cell_key.hpp"

#include <algorithm>
#include <cmath>

namespace clue_router::domain {
namespace {

// SplitMix64's finaliser: a sum of record keys is uniform already, but two different uses of
// one key (count and amount) must not draw the same bits.
std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

constexpr std::uint64_t kCountSalt = 0x636f756e74000000ULL;   // "count"
constexpr std::uint64_t kAmountSalt = 0x616d6f756e740000ULL;  // "amount"

}  // namespace

std::int64_t count_perturbation(std::int64_t n, CellKey key, int noise) {
    if (n <= 0 || noise <= 0) return 0;
    const std::int64_t d = std::min(noise, kMaxStatsNoise);
    const std::int64_t low = -std::min(n, d);
    // Triangular weights d + 1 - |e| over [low, d]; their mean is positive when low > -d.
    std::int64_t total = 0;
    std::int64_t moment = 0;
    for (std::int64_t e = low; e <= d; ++e) {
        const std::int64_t w = d + 1 - (e < 0 ? -e : e);
        total += w;
        moment += e * w;
    }
    // Weights n·w(e), plus `moment` on e = low (= -n whenever moment > 0): the mixture
    // α·(cut triangle) + (1 − α)·(point at −n) with α = n·total / (n·total + moment), whose
    // mean is exactly 0. When low = -d the triangle is whole and moment is 0.
    const std::uint64_t scale = static_cast<std::uint64_t>(n <= d ? n : 1);
    const std::uint64_t sum =
        scale * static_cast<std::uint64_t>(total) + static_cast<std::uint64_t>(moment);
    std::uint64_t u = mix(key ^ kCountSalt) % sum;
    for (std::int64_t e = low; e <= d; ++e) {
        std::uint64_t w = scale * static_cast<std::uint64_t>(d + 1 - (e < 0 ? -e : e));
        if (e == low) w += static_cast<std::uint64_t>(moment);
        if (u < w) return e;
        u -= w;
    }
    return 0;  // not reached: u < sum
}

Fen amount_perturbation(Fen largest, CellKey key, int noise) {
    if (largest <= 0 || noise <= 0) return 0;
    const int d = std::min(noise, kMaxStatsNoise);
    // A uniform value in [-1, 1] from 53 bits of the key.
    const double unit =
        static_cast<double>(mix(key ^ kAmountSalt) >> 11) / static_cast<double>(1ULL << 53);
    const double share = (2.0 * unit - 1.0) * 0.1 * d;
    return static_cast<Fen>(std::llround(share * static_cast<double>(largest)));
}

}  // namespace clue_router::domain
