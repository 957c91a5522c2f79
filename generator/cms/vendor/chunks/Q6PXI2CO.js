import{a}from"./NXUXAZH4.js";export{a as default};
