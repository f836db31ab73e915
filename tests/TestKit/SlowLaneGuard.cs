using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace KpuOrleans.TestKit;

/// <summary>
/// Keeps the fast lane runnable on a bare machine: finds the tests that start a process (which is how the tests start
/// gateways, silos, the repository's programs and PostgreSQL) or drive Chromium, and are not in the slow lane.
/// </summary>
/// <remarks>
/// It reads the IL of each test, of its class's fixtures (constructor parameters, <c>IClassFixture</c>, the
/// collection's <c>ICollectionFixture</c>) and of everything these call in the test assembly and in TestKit, lambdas
/// and async state machines included. What only a person can judge (a multi-silo cluster, a long simulation) is
/// marked by hand; this guard catches what would fail outright without PostgreSQL or Chromium.
/// </remarks>
public static class SlowLaneGuard
{
    static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(op => op.Value);

    /// <summary>Each test of <paramref name="tests"/> that reaches a process or a browser without the slow trait, with what it reaches.</summary>
    public static IReadOnlyList<string> UnmarkedSlowTests(Assembly tests)
    {
        var ours = new HashSet<Assembly> { tests, typeof(SlowLaneGuard).Assembly };
        var reach = new Reach(ours);
        var unmarked = new List<string>();
        var assemblySlow = IsSlow(tests.GetCustomAttributesData());
        foreach (var type in tests.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && !t.IsGenericTypeDefinition))
        {
            var classSlow = assemblySlow || IsSlow(type.GetCustomAttributesData());
            var testMethods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Where(IsTest).ToList();
            if (testMethods.Count == 0 || classSlow) continue;
            var fixtureSink = Fixtures(type, tests).Select(reach.FirstSink).FirstOrDefault(s => s is not null);
            foreach (var test in testMethods.Where(t => !IsSlow(t.GetCustomAttributesData())))
            {
                if ((fixtureSink ?? reach.FirstSink(test)) is { } sink)
                    unmarked.Add($"{type.FullName}.{test.Name} reaches {sink}");
            }
        }
        return unmarked;
    }

    static bool IsTest(MethodInfo method) =>
        method.GetCustomAttributesData().Any(a => DerivesFrom(a.AttributeType, "Xunit.FactAttribute"));

    static bool IsSlow(IEnumerable<CustomAttributeData> attributes) => attributes.Any(a =>
        a.AttributeType.FullName is "Xunit.TraitAttribute" or "Xunit.AssemblyTraitAttribute"
        && a.ConstructorArguments is [{ Value: Lanes.Category }, { Value: Lanes.Slow }]);

    static bool DerivesFrom(Type? type, string fullName)
    {
        for (; type is not null; type = type.BaseType)
            if (type.FullName == fullName) return true;
        return false;
    }

    /// <summary>What xunit builds for the class: its constructor's parameters, class and collection fixtures.</summary>
    static IEnumerable<Type> Fixtures(Type type, Assembly tests)
    {
        var fixtures = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType)
            .Concat(FixtureArguments(type, "Xunit.IClassFixture`1"));
        var collection = type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "Xunit.CollectionAttribute")
            ?.ConstructorArguments.FirstOrDefault().Value as string;
        if (collection is null) return fixtures;
        var definitions = tests.GetTypes().Where(t => t.GetCustomAttributesData().Any(a =>
            a.AttributeType.FullName == "Xunit.CollectionDefinitionAttribute" && a.ConstructorArguments.FirstOrDefault().Value as string == collection));
        return fixtures.Concat(definitions.SelectMany(d => FixtureArguments(d, "Xunit.ICollectionFixture`1")));
    }

    static IEnumerable<Type> FixtureArguments(Type type, string fixtureInterface) => type.GetInterfaces()
        .Where(i => i.IsGenericType && i.GetGenericTypeDefinition().FullName == fixtureInterface)
        .Select(i => i.GetGenericArguments()[0]);

    /// <summary>The methods reachable from a start, memoised; a sink is a call that starts a process or a browser.</summary>
    sealed class Reach(HashSet<Assembly> ours)
    {
        readonly Dictionary<MethodBase, IReadOnlyList<MethodBase>> _callees = [];

        /// <summary>The first sink reached from any method or constructor of the fixture or of its bases in our assemblies.</summary>
        public string? FirstSink(Type fixture)
        {
            for (var type = fixture; type is not null && ours.Contains(type.Assembly); type = type.BaseType)
            {
                const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
                var starts = type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
                if (starts.Select(FirstSink).FirstOrDefault(s => s is not null) is { } sink) return sink;
            }
            return null;
        }

        public string? FirstSink(MethodBase start)
        {
            var seen = new HashSet<MethodBase>();
            var pending = new Stack<MethodBase>([start]);
            while (pending.TryPop(out var method))
            {
                if (!seen.Add(method)) continue;
                if (!_callees.TryGetValue(method, out var callees)) _callees[method] = callees = Callees(method).ToList();
                foreach (var callee in callees)
                {
                    if (Sink(callee) is { } sink) return $"{sink} (from {method.DeclaringType?.Name}.{method.Name})";
                    if (ours.Contains(callee.Module.Assembly)) pending.Push(callee);
                }
            }
            return null;
        }

        static string? Sink(MethodBase callee) => callee.DeclaringType?.FullName switch
        {
            "System.Diagnostics.Process" when callee.Name == "Start" => "Process.Start",
            "Microsoft.Playwright.Playwright" => "Playwright",
            _ => null,
        };

        /// <summary>Every method the body names (call, callvirt, newobj, ldftn), and the state machine an async method runs.</summary>
        static IEnumerable<MethodBase> Callees(MethodBase method)
        {
            if (method.GetCustomAttribute<StateMachineAttribute>() is { } machine &&
                machine.StateMachineType.GetMethod("MoveNext", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance) is { } moveNext)
                yield return moveNext;
            byte[]? il;
            try { il = method.GetMethodBody()?.GetILAsByteArray(); }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException) { yield break; }
            if (il is null) yield break;
            var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
            var methodArguments = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;
            for (var i = 0; i < il.Length;)
            {
                var op = il[i] == 0xFE ? OpCodesByValue[unchecked((short)(0xFE00 | il[i + 1]))] : OpCodesByValue[il[i]];
                i += op.Size;
                if (op.OperandType == OperandType.InlineMethod)
                {
                    var callee = Resolve(method.Module, BitConverter.ToInt32(il, i), typeArguments, methodArguments);
                    if (callee is not null) yield return callee;
                }
                i += OperandSize(op.OperandType, il, i);
            }
        }

        static MethodBase? Resolve(Module module, int token, Type[]? typeArguments, Type[]? methodArguments)
        {
            try { return module.ResolveMethod(token, typeArguments, methodArguments); }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException) { return null; }
        }

        static int OperandSize(OperandType type, byte[] il, int at) => type switch
        {
            OperandType.InlineNone => 0,
            OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
            OperandType.InlineVar => 2,
            OperandType.InlineI8 or OperandType.InlineR => 8,
            OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
            _ => 4,
        };
    }
}
