using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Turntide.Server.Tests.Architecture;

/// <summary>One type of the server naming another: the smallest fact the layer rule is checked on.</summary>
internal sealed record TypeEdge(string FromPart, string ToPart, string FromType, string ToType);

/// <summary>
/// Reads the server assembly's metadata and IL with Mono.Cecil, so that every reference counts: signatures,
/// attributes, and the types, methods and fields that method bodies (lambdas and async state machines included) use.
/// Reflection alone would miss what a method body touches.
/// </summary>
internal static class TypeDependencies
{
    private const string Root = "Turntide.Server";
    private const string PageModel = "Microsoft.AspNetCore.Mvc.RazorPages.PageModel";
    private const string RazorPage = "Microsoft.AspNetCore.Mvc.Razor.RazorPageBase";

    /// <summary>Page models and Razor views, whatever their folder: the top layer.</summary>
    public const string Pages = "Pages";

    private static readonly Lazy<IReadOnlyList<TypeEdge>> Cached = new(Read);

    public static IReadOnlyList<TypeEdge> Edges => Cached.Value;

    private static IReadOnlyList<TypeEdge> Read()
    {
        string path = typeof(ServerApp).Assembly.Location;
        using var module = ModuleDefinition.ReadModule(path, new ReaderParameters { ReadSymbols = false });
        var edges = new HashSet<TypeEdge>();
        foreach (var type in module.GetTypes())
        {
            var outer = Outermost(type);
            string? from = PartOf(outer);
            if (from is null)
                continue;
            foreach (var target in References(type))
            {
                var def = InModule(target, module);
                if (def is null)
                    continue;
                var targetOuter = Outermost(def);
                string? to = PartOf(targetOuter);
                if (to is null || to == from)
                    continue;
                edges.Add(new TypeEdge(from, to, outer.FullName, targetOuter.FullName));
            }
        }
        return [.. edges.OrderBy(e => e.FromPart).ThenBy(e => e.ToPart).ThenBy(e => e.FromType).ThenBy(e => e.ToType)];
    }

    /// <summary>
    /// The part of the server a type belongs to: a feature (<c>Features/Banks</c> is <c>Banks</c>), a top-level
    /// folder (<c>Common</c>, <c>Data</c>, <c>Hosting</c>, ...), <see cref="Pages"/>, or <c>ServerApp</c> for the root.
    /// Null for compiler-made types outside any namespace.
    /// </summary>
    public static string? PartOf(TypeDefinition type)
    {
        string ns = type.Namespace;
        if (ns == "AspNetCoreGeneratedDocument" || (IsPage(type) && !ns.StartsWith(Root + ".Common", StringComparison.Ordinal)))
            return Pages;
        if (ns == Root)
            return "ServerApp";
        if (!ns.StartsWith(Root + ".", StringComparison.Ordinal))
            return null;
        var segments = ns[(Root.Length + 1)..].Split('.');
        return segments[0] == "Features" ? (segments.Length > 1 ? segments[1] : "Features") : segments[0];
    }

    private static bool IsPage(TypeDefinition type)
    {
        for (var b = type.BaseType; b is not null;)
        {
            string name = b.GetElementType().FullName;
            if (name is PageModel or RazorPage)
                return true;
            var def = b.Module == type.Module && b.Scope is ModuleDefinition ? b.Resolve() : null;
            if (def is null)
            {
                // A framework base: Page and RazorPage<T> derive from RazorPageBase, outside this assembly.
                return name.StartsWith("Microsoft.AspNetCore.Mvc.Razor", StringComparison.Ordinal);
            }
            b = def.BaseType;
        }
        return false;
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type;
    }

    private static TypeDefinition? InModule(TypeReference reference, ModuleDefinition module)
    {
        var element = reference.GetElementType();
        if (element is TypeDefinition def)
            return def.Module == module ? def : null;
        if (element is GenericParameter || element.Scope != module)
            return null;
        return element.Resolve();
    }

    private static IEnumerable<TypeReference> References(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        void Add(TypeReference? t)
        {
            switch (t)
            {
                case null:
                    return;
                case GenericInstanceType g:
                    Add(g.ElementType);
                    foreach (var a in g.GenericArguments)
                        Add(a);
                    return;
                case TypeSpecification s:
                    Add(s.ElementType);
                    return;
                default:
                    found.Add(t);
                    return;
            }
        }
        void Attributes(ICustomAttributeProvider p)
        {
            foreach (var a in p.CustomAttributes)
            {
                Add(a.AttributeType);
                foreach (var arg in a.ConstructorArguments)
                {
                    Add(arg.Type);
                    if (arg.Value is TypeReference t)
                        Add(t);
                }
            }
        }
        void Method(MethodReference m)
        {
            Add(m.DeclaringType);
            Add(m.ReturnType);
            foreach (var p in m.Parameters)
                Add(p.ParameterType);
            if (m is GenericInstanceMethod gm)
                foreach (var a in gm.GenericArguments)
                    Add(a);
        }

        Add(type.BaseType);
        Attributes(type);
        foreach (var i in type.Interfaces)
            Add(i.InterfaceType);
        foreach (var g in type.GenericParameters)
            foreach (var c in g.Constraints)
                Add(c.ConstraintType);
        foreach (var f in type.Fields)
        {
            Add(f.FieldType);
            Attributes(f);
        }
        foreach (var p in type.Properties)
        {
            Add(p.PropertyType);
            Attributes(p);
        }
        foreach (var e in type.Events)
            Add(e.EventType);
        foreach (var m in type.Methods)
        {
            Method(m);
            Attributes(m);
            foreach (var p in m.Parameters)
                Attributes(p);
            if (!m.HasBody)
                continue;
            foreach (var v in m.Body.Variables)
                Add(v.VariableType);
            foreach (var h in m.Body.ExceptionHandlers)
                Add(h.CatchType);
            foreach (var instruction in m.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(t);
                        break;
                    case MethodReference mr:
                        Method(mr);
                        break;
                    case FieldReference fr:
                        Add(fr.DeclaringType);
                        Add(fr.FieldType);
                        break;
                }
            }
        }
        return found;
    }
}
