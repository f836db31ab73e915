using KpuOrleans.TestKit;

// Every test here starts processes and needs PostgreSQL or Chromium: the whole project is the slow lane, new tests
// included, without marking each class.
[assembly: AssemblyTrait(Lanes.Category, Lanes.Slow)]
