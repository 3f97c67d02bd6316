// The perturbation of the figures' blocks: bounded, never negative, unbiased, zero for an
// empty cell, the same for the same records. Keys here are fixed, so every check is exact.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "clue_router/domain/cell_key.hpp"

using namespace clue_router::domain;

namespace {

// The perturbations of n over keys 0 .. count-1 (a sum of record keys is uniform, and the
// function mixes its key first, so consecutive keys are as good as random ones).
std::map<std::int64_t, int> frequencies(std::int64_t n, int noise, int count) {
    std::map<std::int64_t, int> out;
    for (int k = 0; k < count; ++k) ++out[count_perturbation(n, static_cast<CellKey>(k), noise)];
    return out;
}

}  // namespace

TEST_CASE("cell key: nothing is added to an empty cell, or with noise off",
          "[domain][stats][cell_key]") {
    for (CellKey k : {0ULL, 1ULL, 0xffffffffffffffffULL, 0x123456789abcdefULL}) {
        CHECK(count_perturbation(0, k, 2) == 0);
        CHECK(count_perturbation(7, k, 0) == 0);
        CHECK(amount_perturbation(3'600'000, k, 0) == 0);
        CHECK(amount_perturbation(0, k, 2) == 0);
    }
}

TEST_CASE("cell key: perturbations are bounded, keep counts non-negative and average zero",
          "[domain][stats][cell_key]") {
    constexpr int kKeys = 200'000;
    for (int noise = 1; noise <= kMaxStatsNoise; ++noise) {
        for (std::int64_t n : {1, 2, 3, 4, 5, 9, 40, 1000}) {
            INFO("noise " << noise << ", n " << n);
            const auto f = frequencies(n, noise, kKeys);
            double sum = 0;
            for (const auto& [e, times] : f) {
                CHECK(e >= -std::min<std::int64_t>(n, noise));
                CHECK(e <= noise);
                sum += static_cast<double>(e) * times;
            }
            // The weights have mean exactly 0; over 200 000 keys the average is within a
            // few hundredths of it.
            CHECK(std::abs(sum / kKeys) < 0.03);
        }
    }
}

TEST_CASE("cell key: a single record is often published as 0", "[domain][stats][cell_key]") {
    // n = 1, noise 2: weights 2, 3, 2, 1 on -1 … 2 plus the mean given back on -1:
    // P(-1) = 0.4, P(0) = 0.3, P(1) = 0.2, P(2) = 0.1 — "there was one" is never certain.
    const auto f = frequencies(1, 2, 100'000);
    CHECK(f.at(-1) == Approx(40'000).epsilon(0.02));
    CHECK(f.at(0) == Approx(30'000).epsilon(0.02));
    CHECK(f.at(1) == Approx(20'000).epsilon(0.03));
    CHECK(f.at(2) == Approx(10'000).epsilon(0.04));
    // At n >= noise the triangle is whole: 1, 2, 3, 2, 1 ninths.
    const auto g = frequencies(9, 2, 90'000);
    CHECK(g.at(0) == Approx(30'000).epsilon(0.02));
    CHECK(g.at(-2) == Approx(10'000).epsilon(0.04));
    CHECK(g.at(2) == Approx(10'000).epsilon(0.04));
}

TEST_CASE("cell key: the same records give the same noise, others unrelated noise",
          "[domain][stats][cell_key]") {
    const CellKey a = 0x9e3779b97f4a7c15ULL;
    const CellKey b = 0xbf58476d1ce4e5b9ULL;
    CHECK(count_perturbation(3, a, 2) == count_perturbation(3, a, 2));
    CHECK(amount_perturbation(3'000'000, a, 2) == amount_perturbation(3'000'000, a, 2));
    // Across many sets, the noise of a set and of that set plus one record agree no more
    // often than two independent draws would (about 0.23 for n = 5, noise 2).
    int same = 0;
    for (CellKey k = 0; k < 20'000; ++k) {
        same += count_perturbation(5, k * a, 2) == count_perturbation(6, k * a + b, 2);
    }
    CHECK(same == Approx(20'000 * 19.0 / 81.0).epsilon(0.05));
}

TEST_CASE("cell key: amounts move by at most noise x 10 % of the largest, unbiased",
          "[domain][stats][cell_key]") {
    const Fen largest = 3'600'000;  // 36,000 yuan
    double sum = 0;
    Fen widest = 0;
    for (CellKey k = 0; k < 100'000; ++k) {
        const Fen e = amount_perturbation(largest, k, 2);
        CHECK(std::abs(e) <= largest / 5);
        widest = std::max<Fen>(widest, std::abs(e));
        sum += static_cast<double>(e);
    }
    CHECK(std::abs(sum / 100'000) < largest * 0.002);
    CHECK(widest > largest / 6);  // the whole range is used, not a sliver of it
}
