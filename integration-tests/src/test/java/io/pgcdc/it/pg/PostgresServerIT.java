package io.pgcdc.it.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresServerIT {
  @Test
  void givesALogicalReplicationServerSharedAcrossTests(PostgresServer pg) throws Exception {
    assertThat(PostgresServer.shared()).isSameAs(pg);
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW wal_level")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("logical");
    }
    assertThat(pg.majorVersion()).isGreaterThanOrEqualTo(12);
    String wanted = System.getProperty("pg.version", "");
    if (!wanted.isBlank() && System.getenv(PostgresServer.URL_ENV) == null) {
      assertThat(pg.majorVersion()).as(pg.description()).isEqualTo(Integer.parseInt(wanted));
    }
  }

  @Test
  void createsAndDropsALogicalSlotWithUniqueNames(PostgresServer pg) throws Exception {
    String slot = pg.uniqueName("slot");
    assertThat(slot).matches("slot_[a-z0-9]{10}").isNotEqualTo(pg.uniqueName("slot"));
    pg.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    } finally {
      pg.execute("SELECT pg_drop_replication_slot('" + slot + "')");
    }
  }
}
