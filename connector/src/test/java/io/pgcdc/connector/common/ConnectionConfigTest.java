package io.pgcdc.connector.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConnectionConfigTest {
  private static ConnectionSettings settings(Map<String, String> props) {
    return ConnectionConfig.settings(
        new AbstractConfig(ConnectionConfig.addTo(new ConfigDef()), props), "pgcdc-test");
  }

  @Test
  void readsEveryPartFromAUrl() {
    ConnectionSettings s =
        settings(
            Map.of(
                ConnectionConfig.URL_CONFIG,
                "postgresql://app:p%40ss%3Aw+rd@db.example:6543/orders?sslmode=verify-full"));
    assertThat(s.host()).isEqualTo("db.example");
    assertThat(s.port()).isEqualTo(6543);
    assertThat(s.database()).isEqualTo("orders");
    assertThat(s.user()).isEqualTo("app");
    assertThat(s.password().value()).isEqualTo("p@ss:w+rd");
    assertThat(s.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/orders");
  }

  @Test
  void separateFieldsWinOverTheUrl() {
    Map<String, String> props = new HashMap<>();
    props.put(ConnectionConfig.URL_CONFIG, "jdbc:postgresql://app:secret@db:5432/orders");
    props.put(ConnectionConfig.HOST_CONFIG, "replica");
    props.put(ConnectionConfig.PASSWORD_CONFIG, "other");
    ConnectionSettings s = settings(props);
    assertThat(s.host()).isEqualTo("replica");
    assertThat(s.user()).isEqualTo("app");
    assertThat(s.password().value()).isEqualTo("other");
    assertThat(s.sslMode()).isEqualTo(SslMode.DISABLE);
  }

  @Test
  void fieldsAloneAreEnoughAndDefaultsApply() {
    ConnectionSettings s =
        settings(Map.of(ConnectionConfig.DATABASE_CONFIG, "db", ConnectionConfig.USER_CONFIG, "u"));
    assertThat(s.host()).isEqualTo("localhost");
    assertThat(s.port()).isEqualTo(5432);
    assertThat(s.password()).isNull();
  }

  @Test
  void neverShowsThePassword() {
    ConnectionSettings s =
        settings(Map.of(ConnectionConfig.URL_CONFIG, "postgresql://app:hunter2@db/orders"));
    assertThat(s.toString()).doesNotContain("hunter2").contains("app@db:5432/orders");
    assertThat(s.describe()).doesNotContain("hunter2");
    assertThat(s.jdbcUrl()).doesNotContain("hunter2");
  }

  @Test
  void aMalformedUrlNamesTheSettingButNotTheSecret() {
    assertThatThrownBy(
            () -> settings(Map.of(ConnectionConfig.URL_CONFIG, "mysql://root:hunter2@db/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ConnectionConfig.URL_CONFIG)
        .hasMessageContaining("postgresql://")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(
            () -> settings(Map.of(ConnectionConfig.URL_CONFIG, "postgresql://root:hun ter2@db/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("percent-encode")
        .hasMessageNotContaining("hun ter2");
  }

  @Test
  void aMissingDatabaseOrUserSaysWhatToSet() {
    assertThatThrownBy(() -> settings(Map.of(ConnectionConfig.URL_CONFIG, "postgresql://u@db")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ConnectionConfig.DATABASE_CONFIG);
    assertThatThrownBy(() -> settings(Map.of(ConnectionConfig.URL_CONFIG, "postgresql://db/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ConnectionConfig.USER_CONFIG);
  }

  @Test
  void rejectsAnUnknownSslMode() {
    assertThatThrownBy(
            () ->
                settings(
                    Map.of(
                        ConnectionConfig.URL_CONFIG,
                        "postgresql://u@db/x",
                        ConnectionConfig.SSLMODE_CONFIG,
                        "prefer")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ConnectionConfig.SSLMODE_CONFIG);
  }

  @Test
  void secretsArePasswordTypedSoConnectMasksThem() {
    ConfigDef def = ConnectionConfig.addTo(new ConfigDef());
    assertThat(def.configKeys().get(ConnectionConfig.PASSWORD_CONFIG).type)
        .isEqualTo(ConfigDef.Type.PASSWORD);
    assertThat(def.configKeys().get(ConnectionConfig.URL_CONFIG).type)
        .isEqualTo(ConfigDef.Type.PASSWORD);
    assertThat(def.configKeys().get(ConnectionConfig.SSLPASSWORD_CONFIG).type)
        .isEqualTo(ConfigDef.Type.PASSWORD);
  }
}
