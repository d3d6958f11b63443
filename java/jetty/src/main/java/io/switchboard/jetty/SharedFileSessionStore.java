package io.switchboard.jetty;

import org.eclipse.jetty.session.FileSessionDataStore;
import org.eclipse.jetty.session.FileSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jetty's file session store for a directory several workers share ({@code --session-store}). Jetty's store
 * indexes the directory once, at start, and then trusts its index; but here another worker writes sessions after
 * this one started (a session whose worker was restarted or killed comes to this one), so before a load the index
 * entry of that session is read again from the directory: the file of the session with the latest expiry, which
 * is the last one written.
 */
final class SharedFileSessionStore extends FileSessionDataStore
{
    @Override
    public SessionData doLoad(final String id) throws Exception
    {
        refresh(id);
        return super.doLoad(id);
    }

    @Override
    public boolean doExists(final String id) throws Exception
    {
        refresh(id);
        return super.doExists(id);
    }

    private void refresh(final String id) throws IOException
    {
        final String idWithContext = getIdWithContext(id);
        String newest = null;
        long newestExpiry = Long.MIN_VALUE;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(_storeDir.toPath(), "*_" + idWithContext))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                if (!isSessionFilename(name) || !idWithContext.equals(getIdWithContextFromFilename(name)))
                {
                    continue;
                }
                final long expiry = getExpiryFromFilename(name);
                if (newest == null || expiry > newestExpiry)
                {
                    newest = name;
                    newestExpiry = expiry;
                }
            }
        }
        if (newest == null)
        {
            _sessionFileMap.remove(idWithContext);
        }
        else
        {
            _sessionFileMap.put(idWithContext, newest);
        }
    }

    /**
     * Makes {@link SharedFileSessionStore}s in one directory.
     */
    static final class Factory extends FileSessionDataStoreFactory
    {
        @Override
        public SessionDataStore getSessionDataStore(final SessionManager manager)
        {
            final SharedFileSessionStore store = new SharedFileSessionStore();
            final File directory = getStoreDir();
            store.setStoreDir(directory);
            store.setDeleteUnrestorableFiles(isDeleteUnrestorableFiles());
            store.setGracePeriodSec(getGracePeriodSec());
            store.setSavePeriodSec(getSavePeriodSec());
            return store;
        }
    }
}
