package io.switchboard.examples.shop;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A form post ({@code application/x-www-form-urlencoded}): confirms the order it was sent.
 */
public final class OrderServlet extends HttpServlet
{
    @Override
    protected void doPost(final HttpServletRequest request, final HttpServletResponse response) throws IOException
    {
        final String item = request.getParameter("item");
        final String quantity = request.getParameter("quantity");
        if (item == null || item.isBlank() || quantity == null || !quantity.matches("[1-9][0-9]{0,3}"))
        {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "an order needs an item and a quantity of 1-9999");
            return;
        }
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().print("ordered " + quantity + " x " + item + "\n");
    }
}
