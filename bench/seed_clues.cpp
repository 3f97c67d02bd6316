// Fills a database with N clues through the real intake path, in-process: validation,
// screening, routing and the storage layer's group commit (ClueService::submit), with
// thousands of submissions in flight so that the writer commits in large groups. For
// measuring memory and read latency with a large database (bench/run_load), not a test.
//
//   seed_clues DATABASE COUNT [SOURCE_DIR [FIRST]]
//
// FIRST (default 0) numbers the clues FIRST .. FIRST+COUNT-1, so that a database can be grown
// in steps (bench/run_load measures at a small size, then grows the same file to a million).
// Synchronous=NORMAL while seeding: the point is the database's size, not its durability.
// Clues spread over the demo directory's regions, so every procuratorate's inbox is large.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <semaphore>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "clue_router/app/config.hpp"
#include "clue_router/app/runtime_loader.hpp"
#include "clue_router/service/api_keys.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/data_keys.hpp"
#include "clue_router/storage/sqlite_store.hpp"

using namespace clue_router;
using Clock = std::chrono::steady_clock;

namespace {

const std::vector<std::string> kSentences{
    "我丈夫经常喝酒后打我，上个月把我打成骨折，住院花了两万多。",
    "我们家是防止返贫监测户，现在没钱继续治疗。",
    "孩子今年上初中，学费还没有着落，我一个人带着他。",
    "去年被人以投资为名骗走了全部积蓄三十万，案件已经立案。",
    "老人七十八岁，独居，女儿在外地从不过问。",
    "公司以试用期不合格为由把我辞退了，我想问问怎么维权。",
    "结婚十二年，他一直对我不好，派出所出过告诫书。",
    "她被前男友打伤后颅内出血，医院说急需手术。",
    "村里的干部来看过一次，说会帮我们申请救助。",
    "他说如果我报警就杀了我全家，我现在不敢回家。",
};
const std::vector<std::string> kRegions{"511702", "511722", "510104", "510107", "511700"};

nlohmann::json make_clue(std::uint64_t n) {
    std::string narrative;
    for (std::uint64_t i = n; narrative.size() < 900; i = i * 7 + 3) {
        narrative += kSentences[i % kSentences.size()];
    }
    char phone[16];
    std::snprintf(phone, sizeof phone, "138%08llu", static_cast<unsigned long long>(n % 100000000));
    return {{"source",
             {{"channel", "hotline_12309"},
              {"reference", "SEED-" + std::to_string(n)},
              {"received_at", "2026-11-20T09:12:00+08:00"}}},
            {"subject",
             {{"name", "种子" + std::to_string(n % 1000)},
              {"phone", phone},
              {"sex", "female"},
              {"region", kRegions[n % kRegions.size()]},
              {"rural", n % 2 == 0}}},
            {"indicators", nlohmann::json::array()},
            {"narrative", narrative},
            {"reporter", {{"relation", "self"}}},
            {"consent", {{"share_with_partners", true}}}};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: seed_clues DATABASE COUNT [SOURCE_DIR [FIRST]]\n");
        return 2;
    }
    const std::string source = argc > 3 ? argv[3] : CLUE_ROUTER_SOURCE_DIR;
    const auto count = std::strtoull(argv[2], nullptr, 10);
    const auto first = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 0ull;
    spdlog::set_level(spdlog::level::warn);

    app::Config config;
    config.database = argv[1];
    config.directory = source + "/config/demo-directory.json";
    config.criteria = source + "/config/criteria.json";
    config.routing = source + "/config/routing.json";
    config.deadlines = source + "/config/deadlines.json";
    config.regions = source + "/config/regions.json";  // the default is cwd-relative
    storage::SqliteOptions options;
    options.path = config.database;
    options.synchronous = "NORMAL";
    options.max_batch = 1024;
    // Sealed at rest like the server's (the cost is part of what a large database is);
    // CLUE_ROUTER_BENCH_KEYRING in the environment, else a fresh one, which run_load passes on.
    service::SystemClock clock;
    const char* keyring_text = std::getenv("CLUE_ROUTER_BENCH_KEYRING");
    options.cipher = service::DataKeyring::parse(
        keyring_text != nullptr ? std::string(keyring_text)
                                : service::DataKeyring::with_new_data_key("", clock.now()));
    auto store = storage::open_sqlite_store(options);
    // The directory file seeds the database, as serve does (issue 4).
    const auto runtime = app::load_runtime_config(config, *store);

    service::RuntimeConfigHolder holder(runtime);
    service::ApiKeys keys(*store, clock);
    const auto key = keys.create(service::command_line_actor(clock.now()), "hotline-12309-sc",
                                 service::Role::intake, "seed_clues", {});
    const service::Actor actor{key.key.id, "hotline-12309-sc", service::Role::intake};
    service::ClueService clues(*store, holder, clock);

    std::counting_semaphore<4096> in_flight(4096);
    std::atomic<std::uint64_t> failed{0};
    const auto started = Clock::now();
    for (std::uint64_t n = 0; n < count; ++n) {
        in_flight.acquire();
        clues.submit(actor, std::nullopt, make_clue(first + n),
                     [&](service::Result<service::SubmittedClue> r) {
                         if (!r) ++failed;
                         in_flight.release();
                     });
        if ((n + 1) % 100000 == 0) {
            std::fprintf(stderr, "seeded %llu\n", static_cast<unsigned long long>(n + 1));
        }
    }
    for (int i = 0; i < 4096; ++i) in_flight.acquire();
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const auto stats = storage::sqlite_stats(*store);
    store->stop();
    std::printf(
        "SEED clues=%llu failed=%llu seconds=%.1f per_second=%.0f batches=%llu "
        "largest_batch=%zu\n",
        static_cast<unsigned long long>(count), static_cast<unsigned long long>(failed.load()),
        seconds, count / seconds, static_cast<unsigned long long>(stats ? stats->batches : 0),
        stats ? stats->largest_batch : std::size_t{0});
    return failed.load() == 0 ? 0 : 1;
}
