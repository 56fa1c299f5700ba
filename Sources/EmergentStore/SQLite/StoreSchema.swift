import GRDB

/// The database schema, as the migrations that build it.
///
/// Migrations are **append-only**: once a migration has shipped, never edit, reorder or remove it, because databases
/// in the field have already recorded it as applied. Change the schema by registering a new migration at the end.
///
/// Dates are integer milliseconds since 1970. JSON columns hold the `Codable` value as `StoreJSON` writes it.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: agents and versions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE agents (
                        id TEXT PRIMARY KEY NOT NULL,
                        definition TEXT NOT NULL,
                        published_version INTEGER,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX agents_by_creation ON agents(created_at);

                    CREATE TABLE agent_versions (
                        agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
                        version INTEGER NOT NULL,
                        definition TEXT NOT NULL,
                        note TEXT,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (agent_id, version)
                    );
                    CREATE TRIGGER agent_versions_are_immutable BEFORE UPDATE ON agent_versions
                    BEGIN
                        SELECT RAISE(ABORT, 'agent versions are immutable; publish a new version instead');
                    END;
                    """)
        }
        migrator.registerMigration("v1: conversations and messages") { db in
            try db.execute(
                sql: """
                    CREATE TABLE conversations (
                        id TEXT PRIMARY KEY NOT NULL,
                        agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
                        title TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX conversations_by_agent_activity ON conversations(agent_id, updated_at);

                    -- run_id has no foreign key: a message may name its run before the run row is written.
                    CREATE TABLE messages (
                        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        message TEXT NOT NULL,
                        run_id TEXT,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (conversation_id, position)
                    );
                    CREATE INDEX messages_by_run ON messages(run_id);
                    """)
        }
        migrator.registerMigration("v1: runs and steps") { db in
            try db.execute(
                sql: """
                    CREATE TABLE runs (
                        id TEXT PRIMARY KEY NOT NULL,
                        agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
                        agent_version INTEGER,
                        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                        status TEXT NOT NULL,
                        input TEXT NOT NULL,
                        answer TEXT,
                        error TEXT,
                        usage TEXT NOT NULL,
                        limit_hit TEXT,
                        citations TEXT NOT NULL,
                        artifacts TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        finished_at INTEGER,
                        duration_seconds REAL
                    );
                    CREATE INDEX runs_by_conversation ON runs(conversation_id, created_at);
                    CREATE INDEX runs_by_agent ON runs(agent_id);
                    CREATE INDEX runs_by_status ON runs(status);

                    CREATE TABLE steps (
                        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                        step_index INTEGER NOT NULL,
                        step TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (run_id, step_index)
                    );
                    """)
        }
        migrator.registerMigration("v1: files") { db in
            try db.execute(
                sql: """
                    CREATE TABLE files (
                        id TEXT PRIMARY KEY NOT NULL,
                        sha256 TEXT NOT NULL,
                        bytes INTEGER NOT NULL,
                        filename TEXT NOT NULL,
                        content_type TEXT NOT NULL,
                        purpose TEXT NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX files_by_content ON files(sha256);
                    """)
        }
        migrator.registerMigration("v1: api keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE api_keys (
                        id TEXT PRIMARY KEY NOT NULL,
                        prefix TEXT NOT NULL,
                        hash TEXT NOT NULL UNIQUE,
                        scope TEXT NOT NULL,
                        agent_id TEXT REFERENCES agents(id) ON DELETE CASCADE,
                        name TEXT,
                        created_at INTEGER NOT NULL,
                        last_used_at INTEGER
                    );
                    CREATE INDEX api_keys_by_agent ON api_keys(agent_id);
                    """)
        }
        return migrator
    }
}
