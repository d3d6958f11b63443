package io.switchboard.rpc.stream;

/**
 * One {@link FrameAssembler}'s account of the memory it may take, beyond its initial buffer, to gather a frame that
 * arrives in pieces. A worker shares one budget among all its sessions, so that clients which declare large frames
 * and send them slowly (or never) cannot together take more heap than the budget; a client's single session needs
 * none ({@link #UNLIMITED}).
 * <p>
 * An assembler asks before it grows and gives everything back when its frame is delivered or its session ends. It
 * tells the budget what it will still need to finish its frame, so that the budget can refuse grants that would
 * leave every holder waiting for the others. Not thread-safe: an account belongs to its assembler's reader thread.
 */
public interface AssemblyBudget
{
    /**
     * No bound: the assembler grows as bytes arrive, up to the max frame length.
     */
    AssemblyBudget UNLIMITED = new AssemblyBudget()
    {
        @Override
        public long limitBytes()
        {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean tryGrow(final int bytes, final long needAfterBytes)
        {
            return true;
        }

        @Override
        public void releaseAll()
        {
        }
    };

    /**
     * @return the most this account could ever hold: a frame that needs more can never be gathered.
     */
    long limitBytes();

    /**
     * Asks for {@code bytes} more than the account holds.
     *
     * @param needAfterBytes what the assembler will still ask for, once granted, to finish the frame it gathers.
     * @return whether granted; if not, nothing changed and the assembler waits for the budget to be given back.
     */
    boolean tryGrow(int bytes, long needAfterBytes);

    /**
     * Gives back everything the account holds.
     */
    void releaseAll();
}
