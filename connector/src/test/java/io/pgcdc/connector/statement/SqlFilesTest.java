package io.pgcdc.connector.statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlFilesTest {
  @TempDir Path dir;

  private String file(String text) throws IOException {
    Path f = Files.createTempFile(dir, "setup", ".sql");
    Files.writeString(f, text);
    return f.toString();
  }

  @Test
  void aFileIsReadWithItsChecksum() throws IOException {
    String path = file("CREATE TABLE t (id int);\nCOMMENT ON TABLE t IS $$ \\i not a command $$;");
    SqlFiles.Script script = SqlFiles.read(path);
    assertThat(script.sha256()).hasSize(64).isEqualTo(SqlFiles.sha256(script.text()));
  }

  @Test
  void aPsqlMetaCommandIsRefusedNamingItsLine() throws IOException {
    String path = file("CREATE TABLE t (id int);\n  \\copy t FROM 'x.csv'\n");
    assertThatThrownBy(() -> SqlFiles.read(path))
        .hasMessageContaining(path + " line 2 has the psql meta-command \\copy")
        .hasMessageContaining("run it with psql");
  }

  @Test
  void transactionControlIsRefused() throws IOException {
    String path = file("-- setup\nBEGIN;\nCREATE TABLE t (id int);\nCOMMIT;");
    assertThatThrownBy(() -> SqlFiles.read(path))
        .hasMessageContaining("controls the transaction")
        .hasMessageContaining("BEGIN");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> SqlFiles.read(dir.resolve("nope.sql").toString()))
        .hasMessageContaining("cannot read " + dir.resolve("nope.sql"))
        .hasMessageContaining("every worker");
  }
}
