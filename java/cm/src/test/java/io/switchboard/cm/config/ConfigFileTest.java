package io.switchboard.cm.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigFileTest
{
    private static final Path FILE = Path.of("sb.properties");

    @Test
    void shouldReadEntriesWithTheLineEachBeginsOn()
    {
        final ConfigFile file = ConfigFile.parse(FILE, """
            # a comment
              ! another
            port=8080

            workers : 4
            route /=demo,\\
                /api=api
            head-timeout-ms=\\u0035000
            """);

        assertEquals(List.of(
            new ConfigFile.Entry("port", "8080", 3),
            new ConfigFile.Entry("workers", "4", 5),
            new ConfigFile.Entry("route", "/=demo,/api=api", 6),
            new ConfigFile.Entry("head-timeout-ms", "5000", 8)), file.entries());
    }

    @Test
    void shouldUnescapeAsPropertiesDoes() throws Exception
    {
        final String text = "a\\=b=x\\:y\\ z\nc=tab\\there\nd=\\\\back\\\\\ne = spaced \n";
        final Properties properties = new Properties();
        properties.load(new java.io.StringReader(text));

        for (final ConfigFile.Entry entry : ConfigFile.parse(FILE, text).entries())
        {
            assertEquals(properties.getProperty(entry.key()).strip(), entry.value(), entry.key());
        }
        assertEquals(properties.size(), ConfigFile.parse(FILE, text).entries().size());
    }

    @Test
    void shouldRefuseAKeySetTwiceNamingBothLines()
    {
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> ConfigFile.parse(FILE, "port=1\n\nport=2\n"));
        assertEquals("sb.properties:3: 'port' is set twice (first on line 1)", ex.getMessage());
    }

    @Test
    void shouldRefuseAKeyWithoutValue()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigFile.parse(FILE, "workers=2\nport=\n"));
        assertEquals("sb.properties:2: 'port' has no value (leave the line out for the default)", ex.getMessage());
    }

    @Test
    void shouldRefuseABadUnicodeEscape()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> ConfigFile.parse(FILE, "bind=\\u12\n"));
        assertEquals("sb.properties:1: \\u needs four hexadecimal digits", ex.getMessage());
    }

    @Test
    void shouldSayWhenTheFileIsMissingOrNotUtf8(@TempDir final Path dir) throws Exception
    {
        final Path missing = dir.resolve("missing.properties");
        assertEquals("--config " + missing + ": no such file",
            assertThrows(ConfigException.class, () -> ConfigFile.read(missing)).getMessage());

        final Path latin1 = Files.write(dir.resolve("latin1.properties"), new byte[] {'a', '=', (byte)0xE9});
        assertEquals("--config " + latin1 + ": not UTF-8 text",
            assertThrows(ConfigException.class, () -> ConfigFile.read(latin1)).getMessage());
    }
}
