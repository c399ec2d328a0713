package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The temporary staging tables of a session: one per target table and list of columns, created on
 * first use and emptied at each commit (ON COMMIT DELETE ROWS).
 */
final class StagingTables {
  /** A staging table serves one target table and one list of columns. */
  private record Key(TableId table, List<String> columns) {}

  private final Map<Key, String> names = new HashMap<>();
  private int counter;

  /**
   * The staging table with the target's {@code columns} and then {@code textColumns} of type text,
   * empty: created on first use in this session, emptied when this transaction used it already
   * ({@code used} holds the staging tables the transaction used).
   */
  String empty(
      Connection c, Table table, List<String> columns, List<String> textColumns, Set<String> used)
      throws SQLException {
    String stage = get(c, table, columns, textColumns);
    if (!used.add(stage)) {
      try (Statement st = c.createStatement()) {
        st.execute(Sql.truncateStaging(stage));
      }
    }
    return stage;
  }

  private String get(Connection c, Table table, List<String> columns, List<String> textColumns)
      throws SQLException {
    List<String> all = new ArrayList<>(columns);
    all.addAll(textColumns);
    Key key = new Key(table.id(), all);
    String name = names.get(key);
    if (name != null) {
      return name;
    }
    name = "pg_temp." + Identifiers.quote("pgcdc_stage_" + (++counter));
    try (Statement st = c.createStatement()) {
      st.execute(Sql.dropStaging(name));
      st.execute(Sql.createStaging(name, table, columns, textColumns));
    }
    // Remembered now; a rollback of this transaction drops the table again, so a failed write
    // forgets every staging table (and the DROP above clears one that survived).
    names.put(key, name);
    return name;
  }

  /** Forgets the staging tables of a target whose columns changed. */
  void forget(TableId table) {
    names.keySet().removeIf(k -> k.table().equals(table));
  }

  /** Forgets every staging table: a new session, or a rollback that dropped the new ones. */
  void forgetAll() {
    names.clear();
  }
}
