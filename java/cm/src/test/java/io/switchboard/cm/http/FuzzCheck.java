package io.switchboard.cm.http;

/**
 * Assertions for fuzz targets, which also run outside JUnit ({@code ./switchboard bench fuzz}).
 */
final class FuzzCheck
{
    private FuzzCheck()
    {
    }

    static void that(final boolean condition, final String what)
    {
        if (!condition)
        {
            throw new AssertionError(what);
        }
    }

    static void equal(final Object expected, final Object actual, final String what)
    {
        if (expected == null ? actual != null : !expected.equals(actual))
        {
            throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
        }
    }
}
