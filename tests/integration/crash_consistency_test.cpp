// Crash consistency (issue 7): under load, the server is killed with SIGKILL at random
// moments, several times. After each restart every clue whose 201 a client saw is there
// with its screening, tickets and events; every request that got no answer, retried with
// its Idempotency-Key, yields exactly one clue however often it is retried; and the
// database passes SQLite's integrity check. Bounded: a few rounds of under two seconds of
// load each. The seed is printed, so a failing run can be repeated (CLUE_ROUTER_CRASH_SEED).
#include <sqlite3.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

constexpr int kRounds = 4;
constexpr int kClients = 8;

struct Submission {
    std::string reference;  // also its Idempotency-Key
    json clue;
};

struct Acknowledged {
    std::string reference;
    json clue;   // as sent
    json reply;  // the 201's body
};

// What the clients saw during one round of load.
struct RoundLog {
    std::mutex mutex;
    std::vector<Acknowledged> acknowledged;
    std::vector<Submission> unanswered;  // no reply, or not a 201: to be retried
};

void load_until_stopped(unsigned short port, const std::string& key, int round, int client,
                        const std::atomic<bool>& stop, RoundLog& log) {
    HttpClient c(port, "127.0.0.1", std::chrono::seconds(10));
    for (int i = 0; !stop.load(); ++i) {
        Submission s;
        s.reference = "CRASH-" + std::to_string(round) + "-" + std::to_string(client) + "-" +
                      std::to_string(i);
        s.clue = make_clue("511702", s.reference);
        s.clue["narrative"] =
            "我丈夫经常喝酒后打我，上个月把我打成骨折。编号 " + s.reference + "，请尽快联系。";
        try {
            Response r = submit(c, key, s.clue, s.reference);
            std::lock_guard lock(log.mutex);
            if (r.status == 201) {
                log.acknowledged.push_back({s.reference, s.clue, r.json()});
            } else {
                log.unanswered.push_back(std::move(s));
            }
        } catch (const std::exception&) {
            // The server died under this request: the client cannot know whether it was kept.
            std::lock_guard lock(log.mutex);
            log.unanswered.push_back(std::move(s));
            return;
        }
    }
}

// Everything an acknowledged clue must still have. Issue 5's outbox rows get one more
// check here.
void check_kept(HttpClient& c, const std::string& key, const Acknowledged& a) {
    INFO("reference " << a.reference);
    const std::string id = a.reply["clue"]["id"];
    Response got = get(c, key, "/v1/clues/" + id);
    REQUIRE_STATUS(got, 200);
    const json body = got.json();
    CHECK(body["clue"] == a.reply["clue"]);
    CHECK(body["screening"] == a.reply["screening"]);
    CHECK(body["tickets"].size() == a.reply["tickets"].size());
    // 511702 routes to its procuratorate, and a violence victim's clue also to the federation.
    REQUIRE(a.reply["tickets"].size() == 2);
    const std::string ticket = a.reply["tickets"][0]["id"];
    // The same tickets, in whatever order the read lists them.
    std::set<std::string> acknowledged_ids, stored_ids;
    for (const auto& t : a.reply["tickets"]) acknowledged_ids.insert(t["id"].get<std::string>());
    for (const auto& t : body["tickets"]) stored_ids.insert(t["id"].get<std::string>());
    CHECK(stored_ids == acknowledged_ids);
    Response history = get(c, key, "/v1/tickets/" + ticket + "/history");
    REQUIRE_STATUS(history, 200);
    CHECK(history.json()["items"].size() >= 1);
}

std::string integrity_check(const std::string& path) {
    sqlite3* db = nullptr;
    std::string result = "cannot open";
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        result.clear();
        if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK) {
            while (sqlite3_step(stmt) == SQLITE_ROW) {
                result += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
            }
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return result;
}

}  // namespace

TEST_CASE("kill -9 under load loses no acknowledged clue and duplicates none",
          "[integration][crash]") {
    std::uint64_t seed = std::random_device{}();
    if (const char* fixed = std::getenv("CLUE_ROUTER_CRASH_SEED")) seed = std::stoull(fixed);
    INFO("CLUE_ROUTER_CRASH_SEED=" << seed);
    std::mt19937_64 rng(seed);

    // No rate limit: eight clients at full speed on one key would meet it, and a 429 is not
    // what this test is about (the abuse-limit tests are).
    TestServer server(Environment{{"CLUE_ROUTER_RATE_LIMIT_PER_MINUTE", "0"}});
    const std::string key = server.key_for(kHotline, "intake");
    std::map<std::string, std::string> clue_of_reference;  // every reference kept, once
    int acknowledged_total = 0;
    int retried_total = 0;

    for (int round = 0; round < kRounds; ++round) {
        RoundLog log;
        std::atomic<bool> stop{false};
        std::vector<std::thread> clients;
        for (int k = 0; k < kClients; ++k) {
            clients.emplace_back(load_until_stopped, server.port(), key, round, k, std::cref(stop),
                                 std::ref(log));
        }
        std::uniform_int_distribution<int> delay_ms(200, 1500);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        const auto killed = server.terminate(SIGKILL);
        stop = true;
        for (auto& t : clients) t.join();
        REQUIRE(killed.has_value());
        server.start();

        HttpClient c(server.port());
        INFO("round " << round << ": " << log.acknowledged.size() << " acknowledged, "
                      << log.unanswered.size() << " unanswered");
        for (const auto& a : log.acknowledged) {
            check_kept(c, key, a);
            // A late retry of an acknowledged request replays it: no second clue.
            Response replay = submit(c, key, a.clue, a.reference);
            CHECK_STATUS(replay, 201);
            CHECK(replay.header("Idempotent-Replayed") == "true");
            CHECK(replay.json()["clue"]["id"] == a.reply["clue"]["id"]);
            clue_of_reference.emplace(a.reference, a.reply["clue"]["id"].get<std::string>());
        }
        for (const auto& s : log.unanswered) {
            INFO("retrying " << s.reference);
            Response first = submit(c, key, s.clue, s.reference);
            REQUIRE_STATUS(first, 201);
            Response second = submit(c, key, s.clue, s.reference);
            REQUIRE_STATUS(second, 201);
            CHECK(second.header("Idempotent-Replayed") == "true");
            const std::string id = first.json()["clue"]["id"];
            CHECK(second.json()["clue"]["id"] == id);
            check_kept(c, key, {s.reference, s.clue, first.json()});
            const auto [it, fresh] = clue_of_reference.emplace(s.reference, id);
            CHECK(fresh);
        }
        acknowledged_total += static_cast<int>(log.acknowledged.size());
        retried_total += static_cast<int>(log.unanswered.size());
    }

    // Across all rounds: one ticket per reference and purpose (two purposes), no more, no fewer.
    HttpClient c(server.port());
    std::map<std::string, int> tickets_per_clue;
    for (const json& t : list_all(c, key, "/v1/tickets", "box=outbox")) {
        ++tickets_per_clue[t.value("clue_id", "")];
    }
    CHECK(tickets_per_clue.size() == clue_of_reference.size());
    for (const auto& [reference, clue] : clue_of_reference) {
        INFO("reference " << reference);
        CHECK(tickets_per_clue[clue] == 2);
    }
    CHECK(acknowledged_total > 0);
    UNSCOPED_INFO("acknowledged " << acknowledged_total << ", retried " << retried_total);

    server.stop();
    CHECK(integrity_check(server.database_path()) == "ok");
}
