package io.pgcdc.connector.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.PostgresSinkConfig.InsertMode;
import io.pgcdc.connector.sink.write.TableCatalog.Column;
import io.pgcdc.connector.sink.write.TableCatalog.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SqlTest {
  private static final String STAGE = "pg_temp.\"s\"";

  /** A table with a bigint key, an integer column and a text column that TOAST may leave out. */
  static final Table TABLE =
      table(
          "t",
          List.of("id"),
          new Column("id", "bigint", true, false),
          new Column("v", "integer", false, false),
          new Column("big", "text", false, false));

  private static final Table TWO_KEYS =
      table(
          "c",
          List.of("a", "b"),
          new Column("a", "integer", true, false),
          new Column("b", "text", true, false),
          new Column("we\"ird", "jsonb", false, false));

  static Table table(String name, List<String> key, Column... columns) {
    Map<String, Column> byName = new LinkedHashMap<>();
    for (Column column : columns) {
      byName.put(column.name(), column);
    }
    return new Table(new TableId("public", name), byName, key, List.of(Set.copyOf(key)));
  }

  @Test
  void upsertUpdatesThePresentValueColumnsOnConflictOfTheKey() {
    assertThat(Sql.writeStatement(TABLE, STAGE, List.of("id", "v", "big"), 1, InsertMode.UPSERT))
        .isEqualTo(
            "INSERT INTO \"public\".\"t\" (\"id\", \"v\", \"big\") SELECT \"id\", \"v\", \"big\""
                + " FROM pg_temp.\"s\" ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\","
                + " \"big\" = EXCLUDED.\"big\"");
  }

  @Test
  void anUpdateThatLeftAnUnchangedToastColumnOutDoesNotTouchIt() {
    String upsert = Sql.writeStatement(TABLE, STAGE, List.of("id", "v"), 1, InsertMode.UPSERT);
    String update = Sql.writeStatement(TABLE, STAGE, List.of("id", "v"), 1, InsertMode.UPDATE);

    assertThat(upsert)
        .isEqualTo(
            "INSERT INTO \"public\".\"t\" (\"id\", \"v\") SELECT \"id\", \"v\" FROM pg_temp.\"s\""
                + " ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\"");
    assertThat(update)
        .isEqualTo(
            "UPDATE \"public\".\"t\" AS t SET \"v\" = s.\"v\" FROM pg_temp.\"s\" AS s WHERE"
                + " t.\"id\" = s.\"id\"");
    assertThat(upsert + update).doesNotContain("big");
  }

  @Test
  void anUpsertOfKeyColumnsOnlyDoesNothingOnConflictAndAnUpdateNothingAtAll() {
    assertThat(Sql.writeStatement(TABLE, STAGE, List.of("id"), 1, InsertMode.UPSERT))
        .isEqualTo(
            "INSERT INTO \"public\".\"t\" (\"id\") SELECT \"id\" FROM pg_temp.\"s\" ON CONFLICT"
                + " (\"id\") DO NOTHING");
    assertThat(Sql.writeStatement(TABLE, STAGE, List.of("id"), 1, InsertMode.UPDATE)).isNull();
  }

  @Test
  void insertAndRowsWithoutAKeyArePlainInserts() {
    String insert =
        "INSERT INTO \"public\".\"t\" (\"id\", \"v\") SELECT \"id\", \"v\" FROM pg_temp.\"s\"";

    assertThat(Sql.writeStatement(TABLE, STAGE, List.of("id", "v"), 1, InsertMode.INSERT))
        .isEqualTo(insert);
    assertThat(Sql.writeStatement(TABLE, STAGE, List.of("id", "v"), 0, InsertMode.UPSERT))
        .isEqualTo(insert);
  }

  @Test
  void deletesByKeyTextArraysCastToTheKeyTypes() {
    assertThat(Sql.deleteByKeys(TWO_KEYS, List.of("a", "b")))
        .isEqualTo(
            "DELETE FROM \"public\".\"c\" AS t USING unnest(?::text[], ?::text[]) AS d(\"k0\","
                + " \"k1\") WHERE t.\"a\" = d.\"k0\"::integer AND t.\"b\" = d.\"k1\"::text");
  }

  @Test
  void probesWhichKeysExistAndTheLargestKey() {
    assertThat(Sql.existingKeys(TABLE, List.of("id")))
        .isEqualTo(
            "SELECT d.ord FROM unnest(?::text[]) WITH ORDINALITY AS d(\"k0\", ord) WHERE EXISTS"
                + " (SELECT 1 FROM \"public\".\"t\" AS t WHERE t.\"id\" = d.\"k0\"::bigint)");
    assertThat(Sql.maxKey(TABLE, "id")).isEqualTo("SELECT max(\"id\") FROM \"public\".\"t\"");
  }

  @Test
  void stagingTablesTakeTheTargetsTypesAndTextForOldKeys() {
    assertThat(
            Sql.createStaging(STAGE, TWO_KEYS, List.of("a", "we\"ird"), List.of("pgcdc_old_key_0")))
        .isEqualTo(
            "CREATE TEMP TABLE pg_temp.\"s\" (\"a\" integer, \"we\"\"ird\" jsonb,"
                + " \"pgcdc_old_key_0\" text) ON COMMIT DELETE ROWS");
    assertThat(Sql.copyIn(STAGE, List.of("a", "we\"ird")))
        .isEqualTo("COPY pg_temp.\"s\" (\"a\", \"we\"\"ird\") FROM STDIN");
    assertThat(Sql.truncateTable(TWO_KEYS)).isEqualTo("TRUNCATE TABLE \"public\".\"c\"");
  }
}
