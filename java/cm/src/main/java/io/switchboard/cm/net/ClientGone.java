package io.switchboard.cm.net;

/**
 * The client's socket failed in the middle of a relay, where no {@link java.io.IOException} can be thrown
 * (inside a frame handler).
 */
final class ClientGone extends RuntimeException
{
    ClientGone()
    {
        super(null, null, false, false);
    }
}
