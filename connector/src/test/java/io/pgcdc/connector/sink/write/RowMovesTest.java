package io.pgcdc.connector.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.write.TableCatalog.Column;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowMovesTest {
  private static final Table TABLE = table();

  private static final RowMoves.Staged MOVE =
      new RowMoves.Staged(
          "pg_temp.\"s\"", List.of("id", "v"), 1, List.of("big"), List.of("pgcdc_old_key_0"));

  private static Table table() {
    Map<String, Column> columns = new LinkedHashMap<>();
    columns.put("id", new Column("id", "bigint", true, false));
    columns.put("v", new Column("v", "integer", false, false));
    columns.put("big", new Column("big", "text", false, false));
    return new Table(new TableId("public", "t"), columns, List.of("id"), List.of(Set.of("id")));
  }

  @Test
  void fillTakesTheLeftOutColumnsFromTheRowsAtTheOldKeys() {
    assertThat(RowMoves.fillStatement(TABLE, MOVE))
        .isEqualTo(
            "UPDATE pg_temp.\"s\" AS s SET \"big\" = t.\"big\" FROM \"public\".\"t\" AS t"
                + " WHERE t.\"id\" = s.\"pgcdc_old_key_0\"::bigint");
  }

  @Test
  void insertKeepsTheValueOfARowAtTheNewKey() {
    assertThat(RowMoves.insertStatement(TABLE, MOVE))
        .isEqualTo(
            "INSERT INTO \"public\".\"t\" AS t (\"id\", \"v\", \"big\") SELECT \"id\", \"v\","
                + " \"big\" FROM pg_temp.\"s\" ON CONFLICT (\"id\") DO UPDATE SET \"v\" ="
                + " EXCLUDED.\"v\", \"big\" = COALESCE(t.\"big\", EXCLUDED.\"big\")");
  }

  @Test
  void lostRowsAreThoseFoundAtNeitherKey() {
    assertThat(RowMoves.lostStatement(TABLE, MOVE))
        .isEqualTo(
            "SELECT concat_ws(', ', s.\"id\"::text), concat_ws(', ', s.\"pgcdc_old_key_0\")"
                + " FROM pg_temp.\"s\" AS s WHERE NOT EXISTS (SELECT 1 FROM \"public\".\"t\" AS o"
                + " WHERE o.\"id\" = s.\"pgcdc_old_key_0\"::bigint) AND NOT EXISTS (SELECT 1 FROM"
                + " \"public\".\"t\" AS n WHERE n.\"id\" = s.\"id\")");
  }

  @Test
  void oldKeyColumnsNeverClashWithTheTablesColumns() {
    assertThat(RowMoves.oldKeyColumns(List.of("id", "pgcdc_old_key_0"), 2))
        .containsExactly("_pgcdc_old_key_0", "_pgcdc_old_key_1");
  }
}
