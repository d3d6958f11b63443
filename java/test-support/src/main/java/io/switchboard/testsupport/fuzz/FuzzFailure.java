package io.switchboard.testsupport.fuzz;

/**
 * A case that broke its target's contract: what is needed to replay it alone
 * ({@link Fuzzer#replay}) and what went wrong.
 *
 * @param caseSeed the seed the case was generated from.
 * @param input    the bytes fed to the target.
 * @param cause    what the target threw.
 */
public record FuzzFailure(long caseSeed, byte[] input, Throwable cause)
{
    /**
     * @return one paragraph for a report or an assertion message: seed, cause, input escaped.
     */
    public String describe()
    {
        return "caseSeed=" + caseSeed + " (replay with Fuzzer.replay), cause=" + cause +
            ", input=" + FuzzBytes.escape(input, 2_000);
    }
}
