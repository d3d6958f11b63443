package io.switchboard.examples.shop;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file upload ({@code multipart/form-data}): names each part with its size and SHA-256.
 */
public final class UploadServlet extends HttpServlet
{
    @Override
    protected void doPost(final HttpServletRequest request, final HttpServletResponse response)
        throws IOException, ServletException
    {
        final StringBuilder answer = new StringBuilder();
        for (final Part part : request.getParts())
        {
            answer.append(part.getName()).append(' ')
                .append(part.getSubmittedFileName() == null ? "-" : part.getSubmittedFileName()).append(' ')
                .append(part.getSize()).append(' ').append(sha256(part)).append('\n');
        }
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().print(answer);
    }

    private static String sha256(final Part part) throws IOException
    {
        try (InputStream in = part.getInputStream())
        {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            final byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0)
            {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
