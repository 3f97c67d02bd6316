// The baseline for durable intake: how fast SQLite itself commits rows to this disk, with
// the server's settings (WAL, synchronous=FULL), no server, no JSON, no screening. Each row
// is about the size of what one clue writes (≈3 KB over a clue, a screening, a ticket and
// an event row, with five indexed columns), inserted in transactions of B rows.
//
//   sqlite_insert_bench DIRECTORY [SECONDS-PER-BATCH-SIZE]
//
// Prints one line per batch size: RESULT batch=B rows_per_second=… commits_per_second=…
// The directory should be on the disk the server's database lives on.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

void exec(sqlite3* db, const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::fprintf(stderr, "sqlite: %s\n", error ? error : "?");
        std::exit(1);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: sqlite_insert_bench DIRECTORY [SECONDS]\n");
        return 2;
    }
    const std::filesystem::path path = std::filesystem::path(argv[1]) / "sqlite-baseline.db";
    const double seconds = argc > 2 ? std::atof(argv[2]) : 5.0;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path.string() + suffix);
    }
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 1;
    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, "PRAGMA synchronous=FULL");
    exec(db,
         "CREATE TABLE rows (id TEXT PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL, "
         "c TEXT NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID");
    exec(db, "CREATE INDEX rows_a ON rows (a, id)");
    exec(db, "CREATE INDEX rows_b ON rows (b, c, id)");
    exec(db, "CREATE INDEX rows_c ON rows (c, id)");
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO rows VALUES (?, ?, ?, ?, ?)", -1, &insert, nullptr);
    const std::string doc(3000, 'x');

    std::uint64_t next = 0;
    for (const int batch : {1, 8, 64}) {
        std::uint64_t rows = 0;
        std::uint64_t commits = 0;
        const auto start = std::chrono::steady_clock::now();
        double elapsed = 0;
        while (elapsed < seconds) {
            exec(db, "BEGIN");
            for (int i = 0; i < batch; ++i, ++next) {
                char id[40];
                std::snprintf(id, sizeof id, "%020llu", static_cast<unsigned long long>(next));
                const std::string a = "agency-" + std::to_string(next % 17);
                const std::string b = "proc-" + std::to_string(next % 5);
                sqlite3_bind_text(insert, 1, id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(insert, 2, a.c_str(), -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(insert, 3, b.c_str(), -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(insert, 4, "pending", -1, SQLITE_STATIC);
                sqlite3_bind_text(insert, 5, doc.c_str(), static_cast<int>(doc.size()),
                                  SQLITE_STATIC);
                if (sqlite3_step(insert) != SQLITE_DONE) return 1;
                sqlite3_reset(insert);
            }
            exec(db, "COMMIT");
            rows += static_cast<std::uint64_t>(batch);
            ++commits;
            elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        std::printf("RESULT batch=%d rows_per_second=%.0f commits_per_second=%.0f\n", batch,
                    rows / elapsed, commits / elapsed);
        std::fflush(stdout);
    }
    sqlite3_finalize(insert);
    sqlite3_close(db);
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path.string() + suffix);
    }
    return 0;
}
