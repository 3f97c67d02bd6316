// Backup and restore (docs/operations.md, "Back up and restore"): a backup taken while clues
// are being submitted restores into a fresh place, where a new server finds every clue
// acknowledged before the backup began and an intact audit chain; and what restore refuses.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/database.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

// The exit code, or -1 when the command was killed after its timeout.
int exit_code(const RunResult& r) {
    return r.status && r.status->exited ? r.status->code : -1;
}

// A second server's environment on its own database, with the first server's keyring: the
// keyring is backed up apart from the database and brought back beside it.
Environment restored_env(const TestServer& original, const std::string& keyring) {
    return {{"CLUE_ROUTER_DATA_KEYS_FILE", keyring.empty() ? original.data_keys_path() : keyring}};
}

// Clues submitted by `threads` clients until stopped; each acknowledged id is recorded with
// whether the backup had already started, or had finished, when the 201 came back.
class Submitters {
  public:
    enum class Phase { before, during, after };

    Submitters(TestServer& server, const std::string& key, int threads) {
        for (int t = 0; t < threads; ++t) {
            workers_.emplace_back([this, &server, key, t] {
                HttpClient c(server.port());
                for (int i = 0; !stop_; ++i) {
                    const std::string reference =
                        "BACKUP-" + std::to_string(t) + "-" + std::to_string(i);
                    const Phase phase_before = phase_;
                    Response r = submit(c, key, make_clue("511702", reference));
                    if (r.status != 201) {
                        ++failures_;
                        continue;
                    }
                    std::lock_guard lock(mutex_);
                    // Conservative: before the backup means sent and answered before it began
                    // (so committed before it); after it means sent once it had ended.
                    Phase at = Phase::during;
                    if (phase_before == Phase::before && phase_ == Phase::before) {
                        at = Phase::before;
                    } else if (phase_before == Phase::after) {
                        at = Phase::after;
                    }
                    acked_.push_back({r.json()["clue"]["id"].get<std::string>(), at});
                }
            });
        }
    }
    ~Submitters() { stop(); }

    void set_phase(Phase p) { phase_ = p; }
    void stop() {
        stop_ = true;
        for (auto& w : workers_) {
            if (w.joinable()) w.join();
        }
    }
    std::size_t count(Phase p) {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& a : acked_) n += a.phase == p ? 1 : 0;
        return n;
    }
    std::size_t total() {
        std::lock_guard lock(mutex_);
        return acked_.size();
    }
    int failures() const { return failures_; }

    struct Ack {
        std::string id;
        Phase phase;
    };
    std::vector<Ack> acked() {
        std::lock_guard lock(mutex_);
        return acked_;
    }

  private:
    std::atomic<bool> stop_{false};
    std::atomic<Phase> phase_{Phase::before};
    std::atomic<int> failures_{0};
    std::mutex mutex_;
    std::vector<Ack> acked_;
    std::vector<std::thread> workers_;
};

}  // namespace

TEST_CASE("a backup taken under load restores every acknowledged clue with an intact audit chain",
          "[integration][backup]") {
    TestServer server({}, false);
    // 48 MiB of filler, so the copy takes many steps while the writers go on: without one
    // pinned snapshot the backup would restart, or mix two states, under this load.
    edit_database(server.database_path(),
                  "CREATE TABLE filler (b BLOB); INSERT INTO filler WITH RECURSIVE n(i) AS "
                  "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 48) "
                  "SELECT randomblob(1048576) FROM n");
    // Made here, the file has the umask's mode; the server accepts only 0600.
    std::filesystem::permissions(server.database_path(), std::filesystem::perms::owner_read |
                                                             std::filesystem::perms::owner_write);
    server.start();
    const std::string intake = server.key_for(kHotline, "intake");
    const std::string admin = server.key_for("proc-510000", "admin");
    const std::string backup = server.dir() + "/backup.db";

    RunResult made;
    {
        Submitters load(server, intake, 3);
        while (load.total() < 30) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        load.set_phase(Submitters::Phase::during);
        made = server.cli({"backup", "--config", server.config_path(), backup},
                          std::chrono::seconds(120));
        load.set_phase(Submitters::Phase::after);
        // Some more after it, so the database the backup left behind has moved on.
        const auto after = load.total();
        while (load.total() < after + 10) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        load.stop();
        INFO("backup stderr: " << made.err);
        REQUIRE(made.success());
        CHECK(load.failures() == 0);
        // The server kept acknowledging clues while the copy ran.
        CHECK(load.count(Submitters::Phase::during) > 0);

        // Not a terminal: the summary only, no progress line.
        CHECK(made.err.find('\r') == std::string::npos);
        CHECK(made.err.find("backed up") != std::string::npos);
        CHECK(made.err.find("data key(s) test-1") != std::string::npos);
        CHECK(std::filesystem::status(backup).permissions() ==
              (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
        CHECK_FALSE(std::filesystem::exists(backup + ".partial"));

        // Into a fresh place, with the keyring brought back beside it.
        TestServer restored(restored_env(server, ""), false);
        RunResult back = restored.cli({"restore", "--config", restored.config_path(), backup},
                                      std::chrono::seconds(120));
        INFO("restore stderr: " << back.err);
        REQUIRE(back.success());
        CHECK(back.err.find("audit trail intact") != std::string::npos);
        restored.start();

        HttpClient& c = restored.client();
        std::set<std::string> present;
        std::size_t before = 0;
        for (const auto& ack : load.acked()) {
            // The keys came back with the database: the original intake key still works, and
            // the personal data opens with the restored keyring.
            Response r = get(c, intake, "/v1/clues/" + ack.id + "?reveal=true");
            if (ack.phase == Submitters::Phase::before) {
                ++before;
                INFO("clue " << ack.id << " was acknowledged before the backup began");
                REQUIRE_STATUS(r, 200);
            }
            if (r.status != 200) {
                CHECK(r.status == 404);
                continue;
            }
            present.insert(ack.id);
            CHECK(r.json()["clue"]["personal_data"] == "clear");
            CHECK(r.json()["clue"]["subject"]["name"] == "集成测试人");
            // Whole, never half a clue: its tickets came with it.
            CHECK(r.json()["tickets"].size() >= 1);
        }
        CHECK(before >= 30);
        // Clues acknowledged after the backup ended are not in it.
        for (const auto& ack : load.acked()) {
            if (ack.phase == Submitters::Phase::after) CHECK(present.count(ack.id) == 0);
        }

        Response verified = get(c, admin, "/v1/audit/verify");
        REQUIRE_STATUS(verified, 200);
        CHECK(verified.json()["intact"] == true);
        // The restore itself is in the trail, as the last row the command line wrote.
        bool restore_recorded = false;
        for (const json& row : list_all(c, admin, "/v1/audit")) {
            if (row["action"] == "database.restored") {
                restore_recorded = true;
                CHECK(row["record"] == json({{"type", "database"}, {"id", "backup.db"}}));
            }
        }
        CHECK(restore_recorded);
        restored.stop();
        RunResult cli_verify =
            restored.cli({"audit", "verify", "--config", restored.config_path()});
        CHECK(cli_verify.success());
    }
}

TEST_CASE("restore refuses a held database, a wrong keyring, a newer schema and a broken file",
          "[integration][backup]") {
    TestServer server;
    const std::string intake = server.key_for(kHotline, "intake");
    Response first = submit(server.client(), intake, make_clue("511702", "RESTORE-1"));
    REQUIRE(first.status == 201);
    const std::string clue = first.json()["clue"]["id"];
    const std::string backup = server.dir() + "/backup.db";
    REQUIRE(server.cli({"backup", "--config", server.config_path(), backup}).success());

    SECTION("while a server holds the database") {
        RunResult r =
            server.cli({"restore", "--overwrite", "--config", server.config_path(), backup});
        CHECK(exit_code(r) == 1);
        CHECK(r.err.find("a clue-router server is using") != std::string::npos);
        CHECK(get(server.client(), intake, "/v1/clues/" + clue).status == 200);
    }
    SECTION("over a database that holds data, without --overwrite") {
        server.stop();
        RunResult r = server.cli({"restore", "--config", server.config_path(), backup});
        CHECK(exit_code(r) == 2);
        CHECK(r.err.find("--overwrite") != std::string::npos);
        RunResult forced =
            server.cli({"restore", "--overwrite", "--config", server.config_path(), backup});
        INFO(forced.err);
        CHECK(forced.success());
    }
    SECTION("with a keyring that does not open it") {
        TestServer elsewhere({}, false);  // its own fresh keyring, not the backup's
        RunResult r = elsewhere.cli({"restore", "--config", elsewhere.config_path(), backup});
        CHECK(exit_code(r) == 1);
        CHECK(r.err.find("data key test-1 in the keyring is not the key") != std::string::npos);
        CHECK(r.err.find("nothing was restored") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(elsewhere.database_path()));
    }
    SECTION("made by a newer binary") {
        edit_database(backup,
                      "INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 'later')");
        TestServer elsewhere(restored_env(server, ""), false);
        RunResult r = elsewhere.cli({"restore", "--config", elsewhere.config_path(), backup});
        CHECK(exit_code(r) == 1);
        CHECK(r.err.find("schema version 9999, newer than this binary") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(elsewhere.database_path()));
    }
    SECTION("that is damaged") {
        {
            std::fstream f(backup, std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(4096 * 2);
            const std::string junk(4096, 'x');
            f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
        }
        TestServer elsewhere(restored_env(server, ""), false);
        RunResult r = elsewhere.cli({"restore", "--config", elsewhere.config_path(), backup});
        INFO(r.err);
        CHECK(exit_code(r) == 1);
        CHECK(r.err.find("nothing was restored") == std::string::npos);  // refused before
        CHECK((r.err.find("integrity check") != std::string::npos ||
               r.err.find("not a sound SQLite database") != std::string::npos));
        CHECK_FALSE(std::filesystem::exists(elsewhere.database_path()));
    }
    SECTION("and a server does not start while a restore holds the lock") {
        server.stop();
        // The restore's exclusive lock, taken here the way restore takes it.
        const std::string lock_path = server.database_path() + ".lock";
        const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CREAT, 0644);
        REQUIRE(fd >= 0);
        REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
        RunResult r = server.cli({"serve", "--config", server.config_path()});
        ::close(fd);
        CHECK(exit_code(r) == 1);
        CHECK(r.err.find("a restore is replacing") != std::string::npos);
    }
}

TEST_CASE("backup draws progress on a terminal", "[integration][backup]") {
    TestServer server;
    const std::string backup = server.dir() + "/on-a-tty.db";
    // script(1) runs the command on a pseudo-terminal: stderr is a TTY there.
    const std::string command =
        server_binary() + " backup --config " + server.config_path() + " " + backup;
    RunResult r = run({"/usr/bin/script", "--quiet", "--return", "--command", command, "/dev/null"},
                      server.env(), server.dir(), std::chrono::seconds(60), source_dir());
    INFO(r.out << r.err);
    REQUIRE(r.success());
    CHECK(r.out.find("\rbackup: 100% (") != std::string::npos);
    CHECK(r.out.find("backed up") != std::string::npos);
}
