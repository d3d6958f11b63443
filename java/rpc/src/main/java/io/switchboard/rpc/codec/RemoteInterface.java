package io.switchboard.rpc.codec;

import io.switchboard.rpc.Remote;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The remote methods of a {@link Remote} interface, or of all those an exported class implements, each with its
 * codec, found by name as it arrives on the wire. Immutable; one per class, cached.
 * <p>
 * Remote methods are the interface's abstract methods, but not {@code close()} of {@link AutoCloseable}, which on a
 * proxy releases the remote object.
 */
public final class RemoteInterface
{
    private static final ClassValue<Boolean> IS_REMOTE = new ClassValue<>()
    {
        @Override
        protected Boolean computeValue(final Class<?> type)
        {
            return !remoteInterfacesOf(type).isEmpty();
        }
    };

    private static final ClassValue<RemoteInterface> OF_INTERFACE = new ClassValue<>()
    {
        @Override
        protected RemoteInterface computeValue(final Class<?> type)
        {
            if (!type.isInterface() || !type.isAnnotationPresent(Remote.class))
            {
                throw new IllegalArgumentException(type.getName() + " is not an interface annotated @" +
                    Remote.class.getSimpleName());
            }
            return new RemoteInterface(type.getName(), List.of(type));
        }
    };

    private static final ClassValue<RemoteInterface> OF_IMPLEMENTATION = new ClassValue<>()
    {
        @Override
        protected RemoteInterface computeValue(final Class<?> type)
        {
            final List<Class<?>> interfaces = remoteInterfacesOf(type);
            if (interfaces.isEmpty())
            {
                throw new IllegalArgumentException(type.getName() + " implements no @" + Remote.class.getSimpleName() +
                    " interface");
            }
            return new RemoteInterface(
                interfaces.stream().map(Class::getName).collect(Collectors.joining("+")), interfaces);
        }
    };

    private final String name;
    private final List<Class<?>> interfaces;
    private final MethodCodec[] methods;
    private final Map<Method, MethodCodec> byMethod;

    private RemoteInterface(final String name, final List<Class<?>> interfaces)
    {
        this.name = name;
        this.interfaces = List.copyOf(interfaces);
        final Map<String, List<Method>> byName = new LinkedHashMap<>();
        for (final Class<?> iface : interfaces)
        {
            for (final Method method : iface.getMethods())
            {
                if (isRemoteMethod(method))
                {
                    final List<Method> named = byName.computeIfAbsent(method.getName(), k -> new ArrayList<>());
                    if (!named.contains(method))
                    {
                        named.add(method);
                    }
                }
            }
        }
        final List<String> overloads = new ArrayList<>();
        byName.forEach((methodName, list) ->
        {
            if (list.size() > 1)
            {
                overloads.add(list.stream().map(RemoteInterface::signature).collect(Collectors.joining(", ")));
            }
        });
        if (!overloads.isEmpty())
        {
            throw new IllegalArgumentException("remote interface " + name + " overloads method names: " +
                String.join("; ", overloads) + ". A method is known on the wire by its name and argument count only, " +
                "so each remote method needs a name of its own");
        }
        this.methods = new MethodCodec[byName.size()];
        this.byMethod = new HashMap<>();
        int i = 0;
        for (final List<Method> list : byName.values())
        {
            final Method method = list.get(0);
            try
            {
                method.setAccessible(true);
            }
            catch (final RuntimeException ignore)
            {
                // a public interface needs no access override; a non-public one in an open package gets it
            }
            final MethodCodec codec = new MethodCodec(
                method.getDeclaringClass().getSimpleName() + "." + method.getName(),
                method.getName(), method.getGenericParameterTypes(), method.getGenericReturnType(), method);
            methods[i++] = codec;
            byMethod.put(method, codec);
        }
    }

    /**
     * @return the descriptor of a {@link Remote} interface.
     * @throws IllegalArgumentException if it is not one, or it overloads a method name.
     */
    public static RemoteInterface of(final Class<?> iface)
    {
        return OF_INTERFACE.get(iface);
    }

    /**
     * @return the remote methods of every {@link Remote} interface a class implements.
     * @throws IllegalArgumentException if it implements none, or two of them share a method name.
     */
    public static RemoteInterface ofImplementation(final Class<?> type)
    {
        return OF_IMPLEMENTATION.get(type);
    }

    /**
     * @return whether objects of this class travel by reference: it is or implements a {@link Remote} interface.
     */
    public static boolean isRemoteType(final Class<?> type)
    {
        return IS_REMOTE.get(type);
    }

    public String name()
    {
        return name;
    }

    public List<Class<?>> interfaces()
    {
        return interfaces;
    }

    public boolean isImplementedBy(final Object target)
    {
        for (final Class<?> iface : interfaces)
        {
            if (!iface.isInstance(target))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Finds a method by its UTF-8 name as it lies in a frame, without making a String of it.
     *
     * @return the method, or null.
     */
    public MethodCodec find(final byte[] buffer, final int offset, final int length)
    {
        for (final MethodCodec method : methods)
        {
            final byte[] name = method.nameUtf8();
            if (Arrays.equals(name, 0, name.length, buffer, offset, offset + length))
            {
                return method;
            }
        }
        return null;
    }

    /**
     * @return the codec of a method of the interface, or null if it is not a remote method.
     */
    public MethodCodec codec(final Method method)
    {
        return byMethod.get(method);
    }

    public static boolean isReleaseMethod(final Method method)
    {
        return method.getName().equals("close") && method.getParameterCount() == 0 &&
            AutoCloseable.class.isAssignableFrom(method.getDeclaringClass()) &&
            !method.getDeclaringClass().isAnnotationPresent(Remote.class);
    }

    private static boolean isRemoteMethod(final Method method)
    {
        return Modifier.isAbstract(method.getModifiers()) && !Modifier.isStatic(method.getModifiers()) &&
            !isReleaseMethod(method);
    }

    private static List<Class<?>> remoteInterfacesOf(final Class<?> type)
    {
        final Set<Class<?>> found = new LinkedHashSet<>();
        collect(type, found);
        return new ArrayList<>(found);
    }

    private static void collect(final Class<?> type, final Set<Class<?>> found)
    {
        if (type == null)
        {
            return;
        }
        if (type.isInterface() && type.isAnnotationPresent(Remote.class))
        {
            found.add(type);
        }
        for (final Class<?> iface : type.getInterfaces())
        {
            collect(iface, found);
        }
        collect(type.getSuperclass(), found);
    }

    private static String signature(final Method method)
    {
        return method.getName() + Arrays.stream(method.getParameterTypes())
            .map(Class::getSimpleName).collect(Collectors.joining(", ", "(", ")"));
    }

    @Override
    public String toString()
    {
        return name;
    }

    static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
