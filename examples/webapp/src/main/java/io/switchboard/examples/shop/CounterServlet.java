package io.switchboard.examples.shop;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;

/**
 * Counts the visits of a session: {@code count=N session=ID}. The session id ends in the node of the worker that
 * created it ({@code .w0}), which the CM reads to send the session's next requests to that worker.
 */
public final class CounterServlet extends HttpServlet
{
    @Override
    protected void doGet(final HttpServletRequest request, final HttpServletResponse response) throws IOException
    {
        final HttpSession session = request.getSession(true);
        final Integer previous = (Integer)session.getAttribute("count");
        final int count = previous == null ? 1 : previous + 1;
        session.setAttribute("count", count);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().print("count=" + count + " session=" + session.getId() + " pid=" + ProcessHandle.current().pid() + "\n");
    }
}
